#ifndef CALLBRIDGE_CSRTP_SHIM_H
#define CALLBRIDGE_CSRTP_SHIM_H
// Note: SwiftPM does not rebuild dependants when only this header changes; touch a Swift file.
// libsrtp2's .pc file carries no include path, so the header is named with its directory.
#include <srtp2/srtp.h>

// The srtp_crypto_policy_set_* names are macros for some suites; named shims give Swift one call each.
static inline void cb_srtp_policy_aes_cm_128_hmac_sha1_80(srtp_crypto_policy_t *p) { srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(p); }
static inline void cb_srtp_policy_aes_cm_128_hmac_sha1_32(srtp_crypto_policy_t *p) { srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(p); }
static inline void cb_srtp_policy_aes_gcm_128_16_auth(srtp_crypto_policy_t *p) { srtp_crypto_policy_set_aes_gcm_128_16_auth(p); }
static inline void cb_srtp_policy_aes_gcm_256_16_auth(srtp_crypto_policy_t *p) { srtp_crypto_policy_set_aes_gcm_256_16_auth(p); }
// srtp_policy_t holds a union-typed ssrc; setting it from Swift is awkward, so these fill it.
static inline void cb_srtp_policy_ssrc_any_inbound(srtp_policy_t *p) { p->ssrc.type = ssrc_any_inbound; p->ssrc.value = 0; }
static inline void cb_srtp_policy_ssrc_any_outbound(srtp_policy_t *p) { p->ssrc.type = ssrc_any_outbound; p->ssrc.value = 0; }

#endif
