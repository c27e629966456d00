/*
 * Tests of the mediadiag C API, from C: the resource page's two examples, refused bodies,
 * NULL pointers, short buffers, name lookups and round trips of every report.
 *
 * Build and run against the static library (tests/c_api.rs does this under `cargo test`):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -I include tests/c/test_mediadiag.c \
 *      libmediadiag_ffi.a -lpthread -ldl -lm -o test_mediadiag && ./test_mediadiag
 * Exits 0 if every check passed, 1 otherwise.
 */
#include "mediadiag.h"

#include <stdio.h>
#include <string.h>

static int passed;
static int failed;

#define CHECK(condition)                                                            \
    do {                                                                            \
        if (condition) {                                                            \
            passed++;                                                               \
        } else {                                                                    \
            failed++;                                                               \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #condition);    \
        }                                                                           \
    } while (0)

#define BYTES(literal) ((const uint8_t *)(literal)), (sizeof(literal) - 1)

/* The request bodies of the UCWA resource page, as printed there. */
static const char SEED_JSON[] = "{\n  \"errorCode\" : \"BadRequest\",\n  \"errorSubcode\" : \"InviteesOnly\"\n}";
static const char SEED_XML[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">\n"
    "  <property name=\"errorCode\">TooManyRequests</property>\n"
    "  <property name=\"errorSubcode\">MediaNegotiationFailure</property>\n"
    "</input>";

/* Whether `len` bytes at `haystack` contain the string `needle`. */
static int contains(const uint8_t *haystack, size_t len, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(haystack + i, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

static int same_name(const char *got, const char *expected) {
    return got != NULL && strcmp(got, expected) == 0;
}

static void seeds(void) {
    mediadiag_report report;
    mediadiag_decode_error error;

    CHECK(mediadiag_decode_json(BYTES(SEED_JSON), &report, &error) == MEDIADIAG_OK);
    CHECK(report.error_code == MEDIADIAG_CODE_BadRequest);
    CHECK(report.error_subcode == MEDIADIAG_SUBCODE_InviteesOnly);
    CHECK(same_name(mediadiag_error_code_name(report.error_code), "BadRequest"));
    CHECK(same_name(mediadiag_error_subcode_name(report.error_subcode), "InviteesOnly"));
    CHECK(error.kind == MEDIADIAG_KIND_NONE && error.subcode == MEDIADIAG_ABSENT);
    CHECK(error.property == MEDIADIAG_ABSENT && error.offset == 0);

    CHECK(mediadiag_decode_xml(BYTES(SEED_XML), &report, NULL) == MEDIADIAG_OK);
    CHECK(report.error_code == MEDIADIAG_CODE_TooManyRequests);
    CHECK(report.error_subcode == MEDIADIAG_SUBCODE_MediaNegotiationFailure);

    /* Absent and null properties. */
    CHECK(mediadiag_decode_json(BYTES("{\"errorCode\":null}"), &report, NULL) == MEDIADIAG_OK);
    CHECK(report.error_code == MEDIADIAG_ABSENT && report.error_subcode == MEDIADIAG_ABSENT);
}

static void refused(void) {
    mediadiag_report report = {MEDIADIAG_CODE_Gone, MEDIADIAG_SUBCODE_Busy};
    mediadiag_decode_error error;

    /* A trailing comma: the closing brace at byte 20 is unexpected. */
    CHECK(mediadiag_decode_json(BYTES("{\"errorCode\":\"Gone\",}"), &report, &error) == MEDIADIAG_ERR_DECODE);
    CHECK(report.error_code == MEDIADIAG_ABSENT && report.error_subcode == MEDIADIAG_ABSENT);
    CHECK(error.subcode == MEDIADIAG_SUBCODE_DeserializationFailure);
    CHECK(error.kind == MEDIADIAG_KIND_UnexpectedByte);
    CHECK(error.offset == 20);
    CHECK(error.property == MEDIADIAG_ABSENT);
    CHECK(same_name(mediadiag_error_subcode_name(error.subcode), "DeserializationFailure"));
    CHECK(same_name(mediadiag_decode_error_kind_name(error.kind), "UnexpectedByte"));
    CHECK(same_name(mediadiag_decode_error_kind_description(error.kind), "unexpected character"));

    /* An unknown value names its property. */
    CHECK(mediadiag_decode_json(BYTES("{\"errorSubcode\":\"Nope\"}"), &report, &error) == MEDIADIAG_ERR_DECODE);
    CHECK(error.subcode == MEDIADIAG_SUBCODE_ParameterValidationFailure);
    CHECK(error.kind == MEDIADIAG_KIND_UnknownValue);
    CHECK(error.property == MEDIADIAG_PROPERTY_ERROR_SUBCODE);
    CHECK(error.offset == 16);
    CHECK(same_name(mediadiag_property_name(error.property), "errorSubcode"));

    /* XML: a DOCTYPE is never processed. */
    CHECK(mediadiag_decode_xml(BYTES("<!DOCTYPE input><input/>"), &report, &error) == MEDIADIAG_ERR_DECODE);
    CHECK(error.subcode == MEDIADIAG_SUBCODE_DeserializationFailure && error.kind == MEDIADIAG_KIND_Doctype);
    CHECK(error.offset == 0);

    /* An empty body, as (NULL, 0) and as "". The error out-parameter is optional. */
    CHECK(mediadiag_decode_json(NULL, 0, &report, &error) == MEDIADIAG_ERR_DECODE);
    CHECK(error.kind == MEDIADIAG_KIND_Empty);
    CHECK(mediadiag_decode_xml(BYTES(""), &report, NULL) == MEDIADIAG_ERR_DECODE);
}

static void null_pointers(void) {
    mediadiag_report report = {MEDIADIAG_CODE_Gone, MEDIADIAG_SUBCODE_Busy};
    mediadiag_decode_error error = {7, 7, 7, 7};
    uint8_t out[MEDIADIAG_XML_MAX_LEN];

    CHECK(mediadiag_decode_json(NULL, 5, &report, &error) == MEDIADIAG_ERR_NULL_POINTER);
    CHECK(mediadiag_decode_xml(NULL, 5, &report, &error) == MEDIADIAG_ERR_NULL_POINTER);
    /* Nothing is written on MEDIADIAG_ERR_NULL_POINTER. */
    CHECK(report.error_code == MEDIADIAG_CODE_Gone && error.kind == 7);
    CHECK(mediadiag_decode_json(BYTES(SEED_JSON), NULL, &error) == MEDIADIAG_ERR_NULL_POINTER);
    CHECK(mediadiag_decode_xml(BYTES(SEED_XML), NULL, NULL) == MEDIADIAG_ERR_NULL_POINTER);
    CHECK(mediadiag_encode_json(NULL, out, sizeof out) == MEDIADIAG_ERR_NULL_POINTER);
    CHECK(mediadiag_encode_xml(NULL, out, sizeof out) == MEDIADIAG_ERR_NULL_POINTER);
    CHECK(mediadiag_encode_json(&report, NULL, 10) == MEDIADIAG_ERR_NULL_POINTER);
    CHECK(mediadiag_encode_xml(&report, NULL, 10) == MEDIADIAG_ERR_NULL_POINTER);
    CHECK(mediadiag_encode_json(&report, NULL, 0) == MEDIADIAG_ERR_BUFFER_TOO_SMALL);
    CHECK(mediadiag_error_code_from_name(NULL, 3) == MEDIADIAG_ERR_NULL_POINTER);
    CHECK(mediadiag_error_subcode_from_name(NULL, 3) == MEDIADIAG_ERR_NULL_POINTER);
    CHECK(mediadiag_error_code_from_name(NULL, 0) == MEDIADIAG_ERR_UNKNOWN_NAME);
}

static void short_buffers(void) {
    const mediadiag_report report = {MEDIADIAG_CODE_BadRequest, MEDIADIAG_SUBCODE_InviteesOnly};
    static const char expected[] = "{\"errorCode\":\"BadRequest\",\"errorSubcode\":\"InviteesOnly\"}";
    uint8_t out[MEDIADIAG_XML_MAX_LEN + 1];
    size_t len = sizeof expected - 1;

    CHECK(mediadiag_encode_json(&report, out, sizeof out) == (int)len);
    CHECK(memcmp(out, expected, len) == 0);
    /* One byte short: refused, and nothing written past the given capacity. */
    memset(out, 0xAA, sizeof out);
    CHECK(mediadiag_encode_json(&report, out, len - 1) == MEDIADIAG_ERR_BUFFER_TOO_SMALL);
    CHECK(out[len - 1] == 0xAA);
    memset(out, 0xAA, sizeof out);
    CHECK(mediadiag_encode_xml(&report, out, 10) == MEDIADIAG_ERR_BUFFER_TOO_SMALL);
    CHECK(out[10] == 0xAA);

    /* The longest names fill the *_MAX_LEN buffers exactly. */
    const mediadiag_report longest = {MEDIADIAG_CODE_ExchangeServiceFailure,
                                      MEDIADIAG_SUBCODE_InvalidExchangeServerVersion};
    CHECK(mediadiag_encode_json(&longest, out, MEDIADIAG_JSON_MAX_LEN) == MEDIADIAG_JSON_MAX_LEN);
    CHECK(mediadiag_encode_xml(&longest, out, MEDIADIAG_XML_MAX_LEN) == MEDIADIAG_XML_MAX_LEN);
    CHECK(mediadiag_encode_xml(&longest, out, MEDIADIAG_XML_MAX_LEN - 1) == MEDIADIAG_ERR_BUFFER_TOO_SMALL);

    /* Out-of-range values are refused, whatever the buffer. */
    const mediadiag_report bad_code = {MEDIADIAG_CODE_COUNT, MEDIADIAG_ABSENT};
    const mediadiag_report bad_subcode = {MEDIADIAG_ABSENT, -2};
    CHECK(mediadiag_encode_json(&bad_code, out, sizeof out) == MEDIADIAG_ERR_INVALID_ARGUMENT);
    CHECK(mediadiag_encode_xml(&bad_subcode, out, sizeof out) == MEDIADIAG_ERR_INVALID_ARGUMENT);
}

static void names(void) {
    CHECK(mediadiag_error_code_from_name("badREQUEST", 10) == MEDIADIAG_CODE_BadRequest);
    CHECK(mediadiag_error_subcode_from_name("IPv6NotSupported", 16) == MEDIADIAG_SUBCODE_IPv6NotSupported);
    CHECK(mediadiag_error_subcode_from_name("Busy ", 5) == MEDIADIAG_ERR_UNKNOWN_NAME);
    CHECK(mediadiag_error_code_name(-1) == NULL);
    CHECK(mediadiag_error_code_name(MEDIADIAG_CODE_COUNT) == NULL);
    CHECK(mediadiag_error_subcode_name(MEDIADIAG_SUBCODE_COUNT) == NULL);
    CHECK(same_name(mediadiag_error_subcode_name(MEDIADIAG_SUBCODE_CannotRedirect), "CannotRedirect"));
    CHECK(mediadiag_decode_error_kind_name(MEDIADIAG_KIND_MissingCode + 1) == NULL);
    CHECK(same_name(mediadiag_decode_error_kind_name(MEDIADIAG_KIND_NONE), "None"));
    CHECK(same_name(mediadiag_decode_error_kind_name(MEDIADIAG_KIND_NotAString), "NotAString"));
    CHECK(mediadiag_property_name(2) == NULL);
    CHECK(same_name(mediadiag_property_name(MEDIADIAG_PROPERTY_ERROR_CODE), "errorCode"));
    CHECK(same_name(mediadiag_result_description(MEDIADIAG_ERR_NULL_POINTER), "null pointer"));
    CHECK(mediadiag_result_description(-100) != NULL);
    CHECK(mediadiag_version() != NULL && strlen(mediadiag_version()) > 0);

    /* Every name goes to its number and back. */
    for (int code = 0; code < MEDIADIAG_CODE_COUNT; code++) {
        const char *name = mediadiag_error_code_name(code);
        CHECK(name != NULL && mediadiag_error_code_from_name(name, strlen(name)) == code);
    }
    for (int subcode = 0; subcode < MEDIADIAG_SUBCODE_COUNT; subcode++) {
        const char *name = mediadiag_error_subcode_name(subcode);
        CHECK(name != NULL && mediadiag_error_subcode_from_name(name, strlen(name)) == subcode);
    }
}

static void round_trips(void) {
    int count = 0;
    int equal = 0;
    for (int code = MEDIADIAG_ABSENT; code < MEDIADIAG_CODE_COUNT; code++) {
        for (int subcode = MEDIADIAG_ABSENT; subcode < MEDIADIAG_SUBCODE_COUNT; subcode++) {
            const mediadiag_report report = {(int16_t)code, (int16_t)subcode};
            uint8_t json[MEDIADIAG_JSON_MAX_LEN];
            uint8_t xml[MEDIADIAG_XML_MAX_LEN];
            mediadiag_report back_json = {0, 0};
            mediadiag_report back_xml = {0, 0};
            int json_len = mediadiag_encode_json(&report, json, sizeof json);
            int xml_len = mediadiag_encode_xml(&report, xml, sizeof xml);
            count++;
            if (json_len > 0 && xml_len > 0 &&
                mediadiag_decode_json(json, (size_t)json_len, &back_json, NULL) == MEDIADIAG_OK &&
                mediadiag_decode_xml(xml, (size_t)xml_len, &back_xml, NULL) == MEDIADIAG_OK &&
                memcmp(&back_json, &report, sizeof report) == 0 && memcmp(&back_xml, &report, sizeof report) == 0) {
                equal++;
            }
        }
    }
    CHECK(count == (MEDIADIAG_CODE_COUNT + 1) * (MEDIADIAG_SUBCODE_COUNT + 1));
    CHECK(equal == count);
}

#define REQUEST(href_, host_, token_, ua_, ua_len_)                                             \
    {(const uint8_t *)(href_), strlen(href_), (const uint8_t *)(host_), strlen(host_),               \
     (const uint8_t *)(token_), strlen(token_), (const uint8_t *)(ua_), (ua_len_), MEDIADIAG_ENCODING_JSON, \
     {MEDIADIAG_CODE_Gone, MEDIADIAG_ABSENT}}

static void requests(void) {
    static const char expected[] =
        "POST /ucwa/report HTTP/1.1\r\nHost: h:8080\r\nAuthorization: Bearer t0k==\r\n"
        "Content-Type: application/json\r\nContent-Length: 20\r\nUser-Agent: Phone 1\r\n\r\n"
        "{\"errorCode\":\"Gone\"}";
    mediadiag_request request = REQUEST("/ucwa/report", "h:8080", "t0k==", "Phone 1", 7);
    uint8_t out[512];
    int len = mediadiag_write_request(&request, out, sizeof out);
    CHECK(len == (int)sizeof expected - 1 && memcmp(out, expected, sizeof expected - 1) == 0);

    /* No User-Agent: NULL with a length of 0. XML. */
    request.user_agent = NULL;
    request.user_agent_len = 0;
    request.encoding = MEDIADIAG_ENCODING_XML;
    len = mediadiag_write_request(&request, out, sizeof out);
    CHECK(len > 0 && !contains(out, (size_t)len, "User-Agent"));
    CHECK(len > 0 && contains(out, (size_t)len, "Content-Type: application/xml\r\n"));

    /* Every field with a line break is refused by name; nothing is written as a request. */
    mediadiag_request bad_href = REQUEST("/a\r\nX: 1", "h", "t", NULL, 0);
    mediadiag_request bad_host = REQUEST("/a", "h\n", "t", NULL, 0);
    mediadiag_request bad_token = REQUEST("/a", "h", "t\r\n\r\nGET /", NULL, 0);
    mediadiag_request bad_agent = REQUEST("/a", "h", "t", "ua\r\nX: 1", 9);
    mediadiag_request empty_agent = REQUEST("/a", "h", "t", "", 0);
    CHECK(mediadiag_write_request(&bad_href, out, sizeof out) == MEDIADIAG_ERR_INVALID_HREF);
    CHECK(mediadiag_write_request(&bad_host, out, sizeof out) == MEDIADIAG_ERR_INVALID_HOST);
    CHECK(mediadiag_write_request(&bad_token, out, sizeof out) == MEDIADIAG_ERR_INVALID_TOKEN);
    CHECK(mediadiag_write_request(&bad_agent, out, sizeof out) == MEDIADIAG_ERR_INVALID_USER_AGENT);
    CHECK(mediadiag_write_request(&empty_agent, out, sizeof out) == MEDIADIAG_ERR_INVALID_USER_AGENT);

    /* An Online href is written unchanged; one whose query the server would refuse is not. */
    mediadiag_request online = REQUEST("/ucwa/oauth/v1/applications/1/communication/callMediaDiagnostics"
                                       "?callId=c&fromUri=sip%3aa%40b&mediaType=Audio&toUri=sip%3Ab%40c",
                                       "h", "t", NULL, 0);
    len = mediadiag_write_request(&online, out, sizeof out);
    CHECK(len > 0 && contains(out, (size_t)len, "callId=c&fromUri=sip%3aa%40b&mediaType=Audio&toUri=sip%3Ab%40c HTTP/1.1\r\n"));
    mediadiag_request online_twice = REQUEST("/x/callMediaDiagnostics?callId=c&callId=c&fromUri=a&mediaType=Audio&toUri=b",
                                             "h", "t", NULL, 0);
    CHECK(mediadiag_write_request(&online_twice, out, sizeof out) == MEDIADIAG_ERR_INVALID_HREF);

    /* Short buffers, NULL pointers, out-of-range arguments. */
    mediadiag_request good = REQUEST("/a", "h", "t", NULL, 0);
    int full = mediadiag_write_request(&good, out, sizeof out);
    CHECK(full > 0);
    int shorts = 0;
    for (int capacity = 0; capacity < full; capacity++) {
        shorts += mediadiag_write_request(&good, out, (size_t)capacity) == MEDIADIAG_ERR_BUFFER_TOO_SMALL;
    }
    CHECK(shorts == full);
    CHECK(mediadiag_write_request(&good, NULL, 0) == MEDIADIAG_ERR_BUFFER_TOO_SMALL);
    CHECK(mediadiag_write_request(&good, NULL, sizeof out) == MEDIADIAG_ERR_NULL_POINTER);
    CHECK(mediadiag_write_request(NULL, out, sizeof out) == MEDIADIAG_ERR_NULL_POINTER);
    mediadiag_request null_host = good;
    null_host.host = NULL;
    CHECK(mediadiag_write_request(&null_host, out, sizeof out) == MEDIADIAG_ERR_NULL_POINTER);
    mediadiag_request bad_encoding = good;
    bad_encoding.encoding = 7;
    CHECK(mediadiag_write_request(&bad_encoding, out, sizeof out) == MEDIADIAG_ERR_INVALID_ARGUMENT);
    mediadiag_request bad_report = good;
    bad_report.report.error_code = MEDIADIAG_CODE_COUNT;
    CHECK(mediadiag_write_request(&bad_report, out, sizeof out) == MEDIADIAG_ERR_INVALID_ARGUMENT);
}

static void answers(void) {
    static const char answer[] =
        "HTTP/1.1 409 Conflict\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 64\r\n\r\n"
        "{\"code\":\"Conflict\",\"subcode\":\"AlreadyExists\",\"message\":\"Seen\\n\"}";
    mediadiag_response response = {0, 0, 0, 0, 0};
    CHECK(mediadiag_read_response(BYTES(answer), &response) == MEDIADIAG_OK);
    CHECK(response.status == 409 && response.encoding == MEDIADIAG_ENCODING_JSON);
    CHECK(response.retry_after == MEDIADIAG_ABSENT && response.content_length == 64);
    CHECK(response.head_len == sizeof answer - 1 - 64);

    mediadiag_reason reason;
    mediadiag_decode_error error;
    const uint8_t *body = (const uint8_t *)answer + response.head_len;
    CHECK(mediadiag_decode_reason(response.encoding, body, 64, &reason, &error) == MEDIADIAG_OK);
    CHECK(reason.code == MEDIADIAG_CODE_Conflict && reason.subcode == MEDIADIAG_SUBCODE_AlreadyExists);
    CHECK(reason.has_message && reason.message_len == 6 && memcmp(body + reason.message_offset, "Seen\\n", 6) == 0);
    CHECK(error.kind == MEDIADIAG_KIND_NONE);
    CHECK(mediadiag_advise(&response, &reason) == MEDIADIAG_ADVICE_DONE);
    CHECK(same_name(mediadiag_advice_name(MEDIADIAG_ADVICE_DONE), "Done"));
    CHECK(mediadiag_advice_name(5) == NULL);

    /* A head cut anywhere asks for more; the response is left alone. */
    int partial = 0;
    for (size_t cut = 0; cut < response.head_len; cut++) {
        partial += mediadiag_read_response((const uint8_t *)answer, cut, &response) == MEDIADIAG_PARTIAL;
    }
    CHECK(partial == (int)response.head_len && response.status == 409);
    CHECK(mediadiag_read_response(BYTES("HTTP/1.1 20 OK\r\n\r\n"), &response) == MEDIADIAG_ERR_MALFORMED_RESPONSE);
    CHECK(mediadiag_read_response(BYTES("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"), &response) ==
          MEDIADIAG_ERR_CONTENT_LENGTH);
    CHECK(mediadiag_read_response(NULL, 3, &response) == MEDIADIAG_ERR_NULL_POINTER);
    CHECK(mediadiag_read_response(BYTES(answer), NULL) == MEDIADIAG_ERR_NULL_POINTER);

    /* 503 with Retry-After, in XML; an unknown subcode is kept as unknown. */
    static const char busy[] =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/xml\r\nRetry-After: 5\r\n\r\n"
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><reason xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">"
        "<code>ServiceUnavailable</code><subcode>BrandNew</subcode></reason>";
    CHECK(mediadiag_read_response(BYTES(busy), &response) == MEDIADIAG_OK);
    CHECK(response.status == 503 && response.retry_after == 5 && response.encoding == MEDIADIAG_ENCODING_XML);
    body = (const uint8_t *)busy + response.head_len;
    size_t body_len = sizeof busy - 1 - response.head_len;
    CHECK(mediadiag_decode_reason(MEDIADIAG_ENCODING_XML, body, body_len, &reason, NULL) == MEDIADIAG_OK);
    CHECK(reason.code == MEDIADIAG_CODE_ServiceUnavailable && reason.subcode == MEDIADIAG_UNKNOWN);
    CHECK(!reason.has_message);
    CHECK(mediadiag_advise(&response, &reason) == MEDIADIAG_ADVICE_RETRY_AFTER);
    CHECK(mediadiag_advise(&response, NULL) == MEDIADIAG_ADVICE_RETRY_AFTER);

    /* Refused bodies say why; NULL pointers and short arguments are errors. */
    CHECK(mediadiag_decode_reason(MEDIADIAG_ENCODING_JSON, BYTES("{\"subcode\":\"None\"}"), &reason, &error) ==
          MEDIADIAG_ERR_DECODE);
    CHECK(error.kind == MEDIADIAG_KIND_MissingCode && reason.code == MEDIADIAG_ABSENT);
    CHECK(mediadiag_decode_reason(MEDIADIAG_ENCODING_JSON, BYTES("{\"code\":\"Gone\""), &reason, &error) ==
          MEDIADIAG_ERR_DECODE);
    CHECK(error.kind == MEDIADIAG_KIND_UnexpectedEnd && error.offset == 14);
    CHECK(mediadiag_decode_reason(MEDIADIAG_ENCODING_JSON, NULL, 4, &reason, NULL) == MEDIADIAG_ERR_NULL_POINTER);
    CHECK(mediadiag_decode_reason(MEDIADIAG_ENCODING_JSON, BYTES("{}"), NULL, NULL) == MEDIADIAG_ERR_NULL_POINTER);
    CHECK(mediadiag_decode_reason(9, BYTES("{}"), &reason, NULL) == MEDIADIAG_ERR_INVALID_ARGUMENT);
    CHECK(mediadiag_advise(NULL, &reason) == MEDIADIAG_ERR_NULL_POINTER);

    /* The table's other rows. */
    mediadiag_response head = {401, MEDIADIAG_ABSENT, MEDIADIAG_ABSENT, 0, MEDIADIAG_ABSENT};
    CHECK(mediadiag_advise(&head, NULL) == MEDIADIAG_ADVICE_RENEW_TOKEN);
    head.status = 204;
    CHECK(mediadiag_advise(&head, NULL) == MEDIADIAG_ADVICE_DONE);
    head.status = 415;
    CHECK(mediadiag_advise(&head, NULL) == MEDIADIAG_ADVICE_DO_NOT_RETRY);
    head.status = 502;
    CHECK(mediadiag_advise(&head, NULL) == MEDIADIAG_ADVICE_BACKOFF);
    head.status = 429;
    head.retry_after = MEDIADIAG_RETRY_AFTER_NOT_SECONDS;
    CHECK(mediadiag_advise(&head, NULL) == MEDIADIAG_ADVICE_BACKOFF);

    /* Backoff: between half and all of the capped ceiling. */
    CHECK(mediadiag_backoff_ms(0, 100, 1000, 0) == 50);
    CHECK(mediadiag_backoff_ms(0, 100, 1000, 50) == 100);
    CHECK(mediadiag_backoff_ms(3, 100, 1000, 0) == 400);
    CHECK(mediadiag_backoff_ms(30, 100, 1000, 0xFFFFFFFFu) <= 1000);
    CHECK(mediadiag_backoff_ms(30, 100, 1000, 0) == 500);
}

int main(void) {
    seeds();
    refused();
    null_pointers();
    short_buffers();
    names();
    round_trips();
    requests();
    answers();
    printf("mediadiag %s C API: %d passed, %d failed\n", mediadiag_version(), passed, failed);
    return failed == 0 ? 0 : 1;
}
