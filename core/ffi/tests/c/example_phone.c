/* A phone sends a report and acts on the answer (the README's example; tests/c_api.rs
 * compiles and runs it). The transport is the firmware's own; here the answer is canned. */
#include "mediadiag.h"

#include <stdio.h>
#include <string.h>

#define TEXT(s) (const uint8_t *)(s), strlen(s)

int main(void) {
    const char *href = "/ucwa/oauth/v1/applications/101/reportMediaDiagnostics";
    mediadiag_request request = {
        TEXT(href), TEXT("lync.example.com"), TEXT("AAEBHAEFAAAAAAAFFQAAAA"), TEXT("DeskPhone/2.1"),
        MEDIADIAG_ENCODING_XML, {MEDIADIAG_CODE_BadRequest, MEDIADIAG_SUBCODE_InviteesOnly},
    };
    uint8_t out[512];
    int len = mediadiag_write_request(&request, out, sizeof out);
    if (len < 0) {
        printf("not written: %s\n", mediadiag_result_description(len));
        return 1;
    }
    /* send(socket, out, len) ... then read the answer into a buffer: */
    const char *answer =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 2\r\n"
        "Content-Length: 67\r\n\r\n"
        "{\"code\":\"ServiceUnavailable\",\"message\":\"The store is full; retry.\"}";
    mediadiag_response response;
    int read = mediadiag_read_response(TEXT(answer), &response);
    if (read == MEDIADIAG_PARTIAL) {
        return 1; /* read more bytes, then call again with all of them */
    }
    if (read != MEDIADIAG_OK) {
        printf("bad answer: %s\n", mediadiag_result_description(read));
        return 1;
    }
    mediadiag_reason reason;
    const uint8_t *body = (const uint8_t *)answer + response.head_len;
    size_t body_len = strlen(answer) - response.head_len;
    int decoded = response.encoding == MEDIADIAG_ABSENT
                      ? MEDIADIAG_ERR_DECODE
                      : mediadiag_decode_reason(response.encoding, body, body_len, &reason, NULL);
    int advice = mediadiag_advise(&response, decoded == MEDIADIAG_OK ? &reason : NULL);
    if (advice == MEDIADIAG_ADVICE_RETRY_AFTER) {
        printf("%d %s: retry in %lld s\n", response.status, mediadiag_error_code_name(reason.code),
               (long long)response.retry_after);
    } else if (advice == MEDIADIAG_ADVICE_BACKOFF) {
        printf("retry in %u ms\n", (unsigned)mediadiag_backoff_ms(0, 500, 60000, 12345u));
    } else {
        printf("%s\n", mediadiag_advice_name(advice));
    }
    return advice == MEDIADIAG_ADVICE_RETRY_AFTER ? 0 : 1;
}
