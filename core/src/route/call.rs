//! A matched href of the Online form: the application, and the call's four query values.

use core::ops::Range;

use super::escaped::Escaped;
use super::modality::Modality;
use super::query::{MAX_MEDIA_TYPE_LEN, QueryParameter};

/// What an href of the Online form names (docs/behaviour.md, section 1.2): the
/// `{applicationId}` segment and the query's four values, each still percent-encoded, as
/// ranges of the matched `path_and_query` and as [`Escaped`] values.
///
/// The byte ranges let a server keep the values after it has moved the URI elsewhere (into a
/// request it hands on), and slice them again without a second match.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CallTarget<'a> {
    path_and_query: &'a str,
    application_id: Range<usize>,
    /// The raw values, in the order of [`QueryParameter::ALL`].
    values: [Range<usize>; 4],
}

impl<'a> CallTarget<'a> {
    pub(crate) fn new(path_and_query: &'a str, application_id: Range<usize>, values: [Range<usize>; 4]) -> Self {
        CallTarget { path_and_query, application_id, values }
    }

    /// The `{applicationId}` segment.
    pub fn application_id(&self) -> &'a str {
        self.path_and_query.get(self.application_id.clone()).unwrap_or_default()
    }

    /// Where the `{applicationId}` segment is, in bytes.
    pub fn application_id_range(&self) -> Range<usize> {
        self.application_id.clone()
    }

    /// The value of a parameter.
    pub fn get(&self, parameter: QueryParameter) -> Escaped<'a> {
        Escaped::checked(self.path_and_query.get(self.range(parameter)).unwrap_or_default())
    }

    /// Where the value of a parameter is, as written (escapes included), in bytes.
    pub fn range(&self, parameter: QueryParameter) -> Range<usize> {
        self.values.get(parameter as usize).cloned().unwrap_or_default()
    }

    /// `callId`.
    pub fn call_id(&self) -> Escaped<'a> {
        self.get(QueryParameter::CallId)
    }

    /// `fromUri`.
    pub fn from_uri(&self) -> Escaped<'a> {
        self.get(QueryParameter::FromUri)
    }

    /// `toUri`.
    pub fn to_uri(&self) -> Escaped<'a> {
        self.get(QueryParameter::ToUri)
    }

    /// `mediaType`.
    pub fn media_type(&self) -> Escaped<'a> {
        self.get(QueryParameter::MediaType)
    }

    /// Where `callId` is, as written, in bytes.
    pub fn call_id_range(&self) -> Range<usize> {
        self.range(QueryParameter::CallId)
    }

    /// Where `fromUri` is, as written, in bytes.
    pub fn from_uri_range(&self) -> Range<usize> {
        self.range(QueryParameter::FromUri)
    }

    /// Where `toUri` is, as written, in bytes.
    pub fn to_uri_range(&self) -> Range<usize> {
        self.range(QueryParameter::ToUri)
    }

    /// Where `mediaType` is, as written, in bytes.
    pub fn media_type_range(&self) -> Range<usize> {
        self.range(QueryParameter::MediaType)
    }

    /// The modality `mediaType` names, if it is one UCWA names ([`Modality::from_name`]).
    pub fn modality(&self) -> Option<Modality> {
        let mut buf = [0u8; MAX_MEDIA_TYPE_LEN];
        self.media_type().decode_into(&mut buf).and_then(Modality::from_name)
    }
}
