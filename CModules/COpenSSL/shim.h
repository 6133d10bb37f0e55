#ifndef CALLBRIDGE_COPENSSL_SHIM_H
#define CALLBRIDGE_COPENSSL_SHIM_H
// Note: SwiftPM does not rebuild dependants when only this header changes; touch a Swift file.
// OpenSSL 3 libcrypto (Debian libssl-dev) for our own SRTP transform (Sources/SRTP).
//
// The low-level SHA1_Init/Update/Final calls are deprecated since 3.0 but are the only HMAC
// route there that does not allocate per message: with the key kept, EVP_MAC_init and
// EVP_MAC_final each malloc once per call in 3.0 (HMAC_Init_ex / HMAC_Final copy digest
// contexts with EVP_MD_CTX_copy_ex, which dups the provider context), and so does the legacy
// HMAC_CTX API. A SHA_CTX is a plain struct: copying a precomputed ipad/opad state is a memcpy.
// The deprecation warnings are suppressed for this module only.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#endif
