/*
 * mediadiag.h - C API of mediadiag: decode, validate and encode the body of UCWA's
 * reportMediaDiagnostics operation (Skype for Business 2015), in JSON and in XML.
 *
 * Link with the static library libmediadiag_ffi.a built by `cargo build -p mediadiag-ffi`
 * (for a bare-metal target add `--target <triple> --features panic-handler`). Nothing
 * allocates; every function is reentrant and thread-safe; no function keeps a pointer.
 *
 * Conventions:
 *  - A pointer and a length stand for a byte string; (NULL, 0) is the empty string and
 *    NULL with a non-zero length gives MEDIADIAG_ERR_NULL_POINTER. Any other required
 *    pointer that is NULL gives MEDIADIAG_ERR_NULL_POINTER too.
 *  - Failures are negative int results, MEDIADIAG_ERR_*.
 *  - Error codes and subcodes are numbers: the enums below, in the order of the UCWA
 *    resource page, or MEDIADIAG_ABSENT.
 *  - Returned strings are static and NUL-terminated; never free them.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */
#ifndef MEDIADIAG_H
#define MEDIADIAG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Results. */
#define MEDIADIAG_OK 0                      /* success */
#define MEDIADIAG_ERR_NULL_POINTER (-1)     /* a required pointer was NULL */
#define MEDIADIAG_ERR_DECODE (-2)           /* the body was refused: see mediadiag_decode_error */
#define MEDIADIAG_ERR_BUFFER_TOO_SMALL (-3) /* the output buffer is too small */
#define MEDIADIAG_ERR_INVALID_ARGUMENT (-4) /* a code, subcode or length is out of range */
#define MEDIADIAG_ERR_UNKNOWN_NAME (-5)     /* the name is not a value of the enumeration */

/* A code, subcode or property that is absent. */
#define MEDIADIAG_ABSENT (-1)

/* Output buffers of these sizes always hold an encoded report. */
#define MEDIADIAG_JSON_MAX_LEN 84
#define MEDIADIAG_XML_MAX_LEN 236

/* Number of error codes and subcodes. */
#define MEDIADIAG_CODE_COUNT 20
#define MEDIADIAG_SUBCODE_COUNT 87

/* UCWA ErrorCode values (the report's errorCode). */
enum mediadiag_error_code {
    MEDIADIAG_CODE_BadRequest             = 0,
    MEDIADIAG_CODE_Forbidden              = 1,
    MEDIADIAG_CODE_NotFound               = 2,
    MEDIADIAG_CODE_MethodNotAllowed       = 3,
    MEDIADIAG_CODE_NotAcceptable          = 4,
    MEDIADIAG_CODE_Conflict               = 5,
    MEDIADIAG_CODE_Gone                   = 6,
    MEDIADIAG_CODE_PreconditionFailed     = 7,
    MEDIADIAG_CODE_EntityTooLarge         = 8,
    MEDIADIAG_CODE_UnsupportedMediaType   = 9,
    MEDIADIAG_CODE_PreconditionRequired   = 10,
    MEDIADIAG_CODE_TooManyRequests        = 11,
    MEDIADIAG_CODE_ServiceFailure         = 12,
    MEDIADIAG_CODE_ServiceUnavailable     = 13,
    MEDIADIAG_CODE_GatewayTimeout         = 14,
    MEDIADIAG_CODE_ExchangeServiceFailure = 15,
    MEDIADIAG_CODE_Timeout                = 16,
    MEDIADIAG_CODE_LocalFailure           = 17,
    MEDIADIAG_CODE_RemoteFailure          = 18,
    MEDIADIAG_CODE_Informational          = 19,
};

/* UCWA ErrorSubcode values (the report's errorSubcode, and the subcode of a refusal). */
enum mediadiag_error_subcode {
    MEDIADIAG_SUBCODE_None                         = 0,
    MEDIADIAG_SUBCODE_Timeout                      = 1,
    MEDIADIAG_SUBCODE_UnsupportedMediaType         = 2,
    MEDIADIAG_SUBCODE_DeserializationFailure       = 3,
    MEDIADIAG_SUBCODE_AnonymousNotAllowed          = 4,
    MEDIADIAG_SUBCODE_InviteesOnly                 = 5,
    MEDIADIAG_SUBCODE_AlreadyExists                = 6,
    MEDIADIAG_SUBCODE_AnotherOperationPending      = 7,
    MEDIADIAG_SUBCODE_APIVersionNotSupported       = 8,
    MEDIADIAG_SUBCODE_NormalizationFailed          = 9,
    MEDIADIAG_SUBCODE_ProvisioningDataUnavailable  = 10,
    MEDIADIAG_SUBCODE_ApplicationNotFound          = 11,
    MEDIADIAG_SUBCODE_TooManyApplications          = 12,
    MEDIADIAG_SUBCODE_InactiveApplicationExpired   = 13,
    MEDIADIAG_SUBCODE_UserAgentNotAllowed          = 14,
    MEDIADIAG_SUBCODE_LimitExceeded                = 15,
    MEDIADIAG_SUBCODE_OperationNotSupported        = 16,
    MEDIADIAG_SUBCODE_NoDelegatesConfigured        = 17,
    MEDIADIAG_SUBCODE_NoTeamMembersConfigured      = 18,
    MEDIADIAG_SUBCODE_MakeMeAvailableRequired      = 19,
    MEDIADIAG_SUBCODE_LisServiceUnavailable        = 20,
    MEDIADIAG_SUBCODE_NoLocationFound              = 21,
    MEDIADIAG_SUBCODE_TooManyContacts              = 22,
    MEDIADIAG_SUBCODE_MigrationInProgress          = 23,
    MEDIADIAG_SUBCODE_TooManyGroups                = 24,
    MEDIADIAG_SUBCODE_TooManyOnlineMeetings        = 25,
    MEDIADIAG_SUBCODE_ThreadIdAlreadyExists        = 26,
    MEDIADIAG_SUBCODE_DoNotDisturb                 = 27,
    MEDIADIAG_SUBCODE_ConnectedElsewhere           = 28,
    MEDIADIAG_SUBCODE_Missed                       = 29,
    MEDIADIAG_SUBCODE_MediaFallback                = 30,
    MEDIADIAG_SUBCODE_FederationRequired           = 31,
    MEDIADIAG_SUBCODE_Canceled                     = 32,
    MEDIADIAG_SUBCODE_Declined                     = 33,
    MEDIADIAG_SUBCODE_Forwarded                    = 34,
    MEDIADIAG_SUBCODE_Transferred                  = 35,
    MEDIADIAG_SUBCODE_Replaced                     = 36,
    MEDIADIAG_SUBCODE_EscalationFailed             = 37,
    MEDIADIAG_SUBCODE_InsufficientBandwidth        = 38,
    MEDIADIAG_SUBCODE_RepliedWithOtherModality     = 39,
    MEDIADIAG_SUBCODE_DestinationNotFound          = 40,
    MEDIADIAG_SUBCODE_DialoutNotAllowed            = 41,
    MEDIADIAG_SUBCODE_Unreachable                  = 42,
    MEDIADIAG_SUBCODE_MediaEncryptionNotSupported  = 43,
    MEDIADIAG_SUBCODE_MediaEncryptionRequired      = 44,
    MEDIADIAG_SUBCODE_MediaEncryptionMismatch      = 45,
    MEDIADIAG_SUBCODE_Unavailable                  = 46,
    MEDIADIAG_SUBCODE_TooManyParticipants          = 47,
    MEDIADIAG_SUBCODE_TooManyLobbyParticipants     = 48,
    MEDIADIAG_SUBCODE_Busy                         = 49,
    MEDIADIAG_SUBCODE_AttendeeNotAllowed           = 50,
    MEDIADIAG_SUBCODE_Demoted                      = 51,
    MEDIADIAG_SUBCODE_MediaFailure                 = 52,
    MEDIADIAG_SUBCODE_InvalidMediaDescription      = 53,
    MEDIADIAG_SUBCODE_Removed                      = 54,
    MEDIADIAG_SUBCODE_TemporarilyUnavailable       = 55,
    MEDIADIAG_SUBCODE_ModalityNotSupported         = 56,
    MEDIADIAG_SUBCODE_NotAllowed                   = 57,
    MEDIADIAG_SUBCODE_Ejected                      = 58,
    MEDIADIAG_SUBCODE_Denied                       = 59,
    MEDIADIAG_SUBCODE_Ended                        = 60,
    MEDIADIAG_SUBCODE_ParameterValidationFailure   = 61,
    MEDIADIAG_SUBCODE_SessionSwitched              = 62,
    MEDIADIAG_SUBCODE_DerivedConversation          = 63,
    MEDIADIAG_SUBCODE_Redirected                   = 64,
    MEDIADIAG_SUBCODE_Expired                      = 65,
    MEDIADIAG_SUBCODE_NotAcceptable                = 66,
    MEDIADIAG_SUBCODE_NewContentSharer             = 67,
    MEDIADIAG_SUBCODE_PhoneNumberConflict          = 68,
    MEDIADIAG_SUBCODE_IPv6NotSupported             = 69,
    MEDIADIAG_SUBCODE_PGetReplaced                 = 70,
    MEDIADIAG_SUBCODE_PstnCallFailed               = 71,
    MEDIADIAG_SUBCODE_TransferDeclined             = 72,
    MEDIADIAG_SUBCODE_TransferTargetDeclined       = 73,
    MEDIADIAG_SUBCODE_CallbackUriUnreachable       = 74,
    MEDIADIAG_SUBCODE_ConversationNotFound         = 75,
    MEDIADIAG_SUBCODE_AutoAccepted                 = 76,
    MEDIADIAG_SUBCODE_TooManyConversations         = 77,
    MEDIADIAG_SUBCODE_MediaNegotiationFailure      = 78,
    MEDIADIAG_SUBCODE_MediaNegotiationTimeOut      = 79,
    MEDIADIAG_SUBCODE_CallTerminated               = 80,
    MEDIADIAG_SUBCODE_MaxEventCountReached         = 81,
    MEDIADIAG_SUBCODE_CallbackChannelError         = 82,
    MEDIADIAG_SUBCODE_InvalidExchangeServerVersion = 83,
    MEDIADIAG_SUBCODE_UnprocessableEntity          = 84,
    MEDIADIAG_SUBCODE_ExchangeTimeout              = 85,
    MEDIADIAG_SUBCODE_CannotRedirect               = 86,
};

/* What went wrong in a refused body (mediadiag_decode_error.kind). */
enum mediadiag_decode_error_kind {
    MEDIADIAG_KIND_NONE                        = 0, /* no error: the body was accepted */
    MEDIADIAG_KIND_Empty                       = 1,
    MEDIADIAG_KIND_InvalidUtf8                 = 2,
    MEDIADIAG_KIND_UnexpectedEnd               = 3,
    MEDIADIAG_KIND_UnexpectedByte              = 4,
    MEDIADIAG_KIND_RootNotObject               = 5,
    MEDIADIAG_KIND_TrailingContent             = 6,
    MEDIADIAG_KIND_TooDeep                     = 7,
    MEDIADIAG_KIND_ControlCharacter            = 8,
    MEDIADIAG_KIND_InvalidEscape               = 9,
    MEDIADIAG_KIND_LoneSurrogate               = 10,
    MEDIADIAG_KIND_InvalidNumber               = 11,
    MEDIADIAG_KIND_InvalidXmlChar              = 12,
    MEDIADIAG_KIND_Doctype                     = 13,
    MEDIADIAG_KIND_InvalidXmlDeclaration       = 14,
    MEDIADIAG_KIND_UnsupportedEncoding         = 15,
    MEDIADIAG_KIND_MismatchedTag               = 16,
    MEDIADIAG_KIND_DuplicateAttribute          = 17,
    MEDIADIAG_KIND_TooManyAttributes           = 18,
    MEDIADIAG_KIND_TooManyNamespaces           = 19,
    MEDIADIAG_KIND_UndeclaredPrefix            = 20,
    MEDIADIAG_KIND_InvalidNamespaceDeclaration = 21,
    MEDIADIAG_KIND_InvalidName                 = 22,
    MEDIADIAG_KIND_InvalidReference            = 23,
    MEDIADIAG_KIND_WrongRoot                   = 24,
    MEDIADIAG_KIND_WrongNamespace              = 25,
    MEDIADIAG_KIND_MalformedMarkup             = 26,
    MEDIADIAG_KIND_MisplacedText               = 27,
    MEDIADIAG_KIND_UnknownValue                = 28,
    MEDIADIAG_KIND_DuplicateProperty           = 29,
    MEDIADIAG_KIND_NotAString                  = 30,
    MEDIADIAG_KIND_OTHER                       = 255 /* a kind this header has no number for */
};

/* The two properties of a report (mediadiag_decode_error.property). */
enum mediadiag_property {
    MEDIADIAG_PROPERTY_ERROR_CODE = 0,   /* errorCode */
    MEDIADIAG_PROPERTY_ERROR_SUBCODE = 1 /* errorSubcode */
};

/* A report: each field is an enum mediadiag_error_code / mediadiag_error_subcode value, or
 * MEDIADIAG_ABSENT when the property is absent or null. */
typedef struct mediadiag_report {
    int16_t error_code;
    int16_t error_subcode;
} mediadiag_report;

/* Why a body was refused. After a successful decode: subcode and property are
 * MEDIADIAG_ABSENT, kind is MEDIADIAG_KIND_NONE and offset is 0. */
typedef struct mediadiag_decode_error {
    int16_t subcode;  /* MEDIADIAG_SUBCODE_DeserializationFailure or _ParameterValidationFailure */
    int16_t kind;     /* enum mediadiag_decode_error_kind */
    int16_t property; /* enum mediadiag_property whose value is invalid, or MEDIADIAG_ABSENT */
    size_t offset;    /* byte offset in the body (a byte order mark included) */
} mediadiag_decode_error;

/* Decodes and validates a JSON body of len bytes. Returns MEDIADIAG_OK and fills *report;
 * or MEDIADIAG_ERR_DECODE, sets both fields of *report to MEDIADIAG_ABSENT and, if error is
 * not NULL, fills *error. error may be NULL. MEDIADIAG_ERR_NULL_POINTER if report is NULL or
 * body is NULL with len > 0. */
int mediadiag_decode_json(const uint8_t *body, size_t len, mediadiag_report *report,
                          mediadiag_decode_error *error);

/* Decodes and validates an XML body of len bytes; results as for mediadiag_decode_json. */
int mediadiag_decode_xml(const uint8_t *body, size_t len, mediadiag_report *report,
                         mediadiag_decode_error *error);

/* Writes *report as compact JSON into out (capacity bytes, no NUL terminator is written).
 * Returns the length written; or MEDIADIAG_ERR_BUFFER_TOO_SMALL (out's contents are then
 * unspecified), MEDIADIAG_ERR_INVALID_ARGUMENT if a field is neither MEDIADIAG_ABSENT nor a
 * valid number, MEDIADIAG_ERR_NULL_POINTER. Absent properties are left out.
 * MEDIADIAG_JSON_MAX_LEN bytes always suffice. */
int mediadiag_encode_json(const mediadiag_report *report, uint8_t *out, size_t capacity);

/* Writes *report as a UCWA <input> XML document into out; results as for
 * mediadiag_encode_json. MEDIADIAG_XML_MAX_LEN bytes always suffice. */
int mediadiag_encode_xml(const mediadiag_report *report, uint8_t *out, size_t capacity);

/* The canonical name of an error code ("BadRequest"), or NULL if code is out of range. */
const char *mediadiag_error_code_name(int code);

/* The canonical name of an error subcode ("InviteesOnly"), or NULL if out of range. */
const char *mediadiag_error_subcode_name(int subcode);

/* Looks up an error code by name (len bytes, no NUL needed), ASCII case-insensitively.
 * Returns the code, MEDIADIAG_ERR_UNKNOWN_NAME, or MEDIADIAG_ERR_NULL_POINTER. */
int mediadiag_error_code_from_name(const char *name, size_t len);

/* Looks up an error subcode by name, as mediadiag_error_code_from_name does codes. */
int mediadiag_error_subcode_from_name(const char *name, size_t len);

/* The name of a decode error kind ("TooDeep"; "None" and "Other" for MEDIADIAG_KIND_NONE and
 * MEDIADIAG_KIND_OTHER), or NULL if kind is not a MEDIADIAG_KIND_* number. */
const char *mediadiag_decode_error_kind_name(int kind);

/* A short English description of a decode error kind ("nesting is too deep"; it never
 * contains input), or NULL if kind is not a MEDIADIAG_KIND_* number. */
const char *mediadiag_decode_error_kind_description(int kind);

/* The name of a property ("errorCode", "errorSubcode"), or NULL for another number. */
const char *mediadiag_property_name(int property);

/* A short description of any result of this API (never NULL), for logs. */
const char *mediadiag_result_description(int result);

/* The version of the library ("0.1.0"). */
const char *mediadiag_version(void);

#ifdef __cplusplus
}
#endif

#endif /* MEDIADIAG_H */
