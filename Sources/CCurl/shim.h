#ifndef CRM_CCURL_SHIM_H
#define CRM_CCURL_SHIM_H

#include <curl/curl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic and do not import into Swift:
   these wrappers fix the argument type of each kind of option. */

static inline CURLcode crm_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode crm_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode crm_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode crm_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode crm_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*crm_curl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode crm_curl_setopt_callback(CURL *handle, CURLoption option, crm_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode crm_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/* A link that dies under an open connection (a partition, a pulled cable) would otherwise
   hold it for minutes of TCP retransmission backoff, and a long poll until its timeout.
   Keep-alive probes every 5 s on an idle connection, and TCP_USER_TIMEOUT drops the
   connection once sent data or probes go unacknowledged for 15 s; the sync engine then
   retries on a new connection. A healthy link acknowledges both, long polls included. */
static int crm_curl_dead_link_sockopt(void *context, curl_socket_t fd, curlsocktype purpose) {
    (void)context;
    (void)purpose;
#ifdef TCP_USER_TIMEOUT
    unsigned int milliseconds = 15000;
    setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &milliseconds, sizeof milliseconds);
#endif
    return CURL_SOCKOPT_OK;
}

static inline CURLcode crm_curl_detect_dead_links(CURL *handle) {
    curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(handle, CURLOPT_TCP_KEEPIDLE, 5L);
    curl_easy_setopt(handle, CURLOPT_TCP_KEEPINTVL, 5L);
    return curl_easy_setopt(handle, CURLOPT_SOCKOPTFUNCTION, crm_curl_dead_link_sockopt);
}

#endif
