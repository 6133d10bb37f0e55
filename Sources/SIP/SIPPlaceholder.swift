// SIP messages (RFC 3261): in progress
