// placeholder until SRTPSession lands
