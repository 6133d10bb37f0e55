// SDP model and offer/answer (RFC 8866, RFC 3264): in progress
