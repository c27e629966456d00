//! The modalities UCWA names (its `ModalityType` enumeration), which the Online form's
//! `mediaType` carries.

use core::fmt;

/// A value of UCWA's `ModalityType` enumeration (docs/behaviour.md, section 1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Modality {
    /// `Audio`.
    Audio,
    /// `Messaging`: instant messaging.
    Messaging,
    /// `PanoramicVideo`.
    PanoramicVideo,
    /// `PhoneAudio`.
    PhoneAudio,
    /// `Video`.
    Video,
}

impl Modality {
    /// Every modality, in the order UCWA lists them.
    pub const ALL: [Modality; 5] =
        [Modality::Audio, Modality::Messaging, Modality::PanoramicVideo, Modality::PhoneAudio, Modality::Video];

    /// The name, as UCWA spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Modality::Audio => "Audio",
            Modality::Messaging => "Messaging",
            Modality::PanoramicVideo => "PanoramicVideo",
            Modality::PhoneAudio => "PhoneAudio",
            Modality::Video => "Video",
        }
    }

    /// The modality a name names, compared ASCII case-insensitively (as enumeration values are
    /// in report bodies); `None` for any other name.
    ///
    /// ```
    /// use mediadiag::route::Modality;
    ///
    /// assert_eq!(Modality::from_name("Audio"), Some(Modality::Audio));
    /// assert_eq!(Modality::from_name("phoneaudio"), Some(Modality::PhoneAudio));
    /// assert_eq!(Modality::from_name("AudioVideo"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Modality> {
        Modality::ALL.into_iter().find(|modality| modality.name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Modality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
