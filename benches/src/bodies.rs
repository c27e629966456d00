//! Request bodies: the resource page's two examples and a small corpus of varied bodies.

/// The JSON example of the resource page, byte for byte.
pub const SEED_JSON: &[u8] = b"{\n  \"errorCode\" : \"BadRequest\",\n  \"errorSubcode\" : \"InviteesOnly\"\n}";

/// The XML example of the resource page, byte for byte.
pub const SEED_XML: &[u8] = b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">\n  <property name=\"errorCode\">TooManyRequests</property>\n  <property name=\"errorSubcode\">MediaNegotiationFailure</property>\n</input>";

/// Varied JSON bodies: valid ones (compact, cased, escaped, with unknown members) and invalid ones.
pub const JSON_CORPUS: &[&[u8]] = &[
    br#"{"errorCode":"BadRequest","errorSubcode":"InviteesOnly"}"#,
    br#"{"ErrorCode":"gatewaytimeout","ErrorSubcode":"MEDIANEGOTIATIONTIMEOUT"}"#,
    br#"{"errorCode":null,"errorSubcode":"Busy"}"#,
    br#"{"errorCode":"\u0042adRequest","extra":{"a":[1,2.5,true,null],"b":"x"},"errorSubcode":"None"}"#,
    br#"{"errorCode":"Nope"}"#,
    br#"{"errorCode":"BadRequest","errorSubcode":"InviteesOnly",}"#,
    br#"{"errorCode":1}"#,
];

/// Varied XML bodies: valid ones (prefixed, cased, with other children) and invalid ones.
pub const XML_CORPUS: &[&[u8]] = &[
    br#"<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="errorCode">BadRequest</property><property name="errorSubcode">InviteesOnly</property></input>"#,
    br#"<u:input xmlns:u="http://schemas.microsoft.com/rtc/2012/03/ucwa"><u:property name="ErrorCode">gone</u:property></u:input>"#,
    br#"<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><link rel="self" href="/x"/><property name="errorSubcode"> Busy </property></input>"#,
    br#"<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="errorCode">Nope</property></input>"#,
    br#"<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="errorCode">Gone</Property></input>"#,
    br#"<!DOCTYPE input><input/>"#,
];
