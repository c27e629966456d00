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
    CHECK(mediadiag_decode_error_kind_name(31) == NULL);
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

int main(void) {
    seeds();
    refused();
    null_pointers();
    short_buffers();
    names();
    round_trips();
    printf("mediadiag %s C API: %d passed, %d failed\n", mediadiag_version(), passed, failed);
    return failed == 0 ? 0 : 1;
}
