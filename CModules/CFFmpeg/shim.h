#ifndef CALLBRIDGE_CFFMPEG_SHIM_H
#define CALLBRIDGE_CFFMPEG_SHIM_H
// Note: SwiftPM does not rebuild dependants when only this header changes; touch a Swift file.
#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

// AVERROR() is a function-like macro: Swift cannot import it.
static inline int cb_av_error_eagain(void) { return AVERROR(EAGAIN); }
// AVERROR_EOF is built with FFERRTAG(), a macro Swift cannot evaluate.
static inline int cb_av_error_eof(void) { return AVERROR_EOF; }
// AVERROR_INVALIDDATA is also an FFERRTAG() macro.
static inline int cb_av_error_invaliddata(void) { return AVERROR_INVALIDDATA; }
// AV_NOPTS_VALUE is a cast expression macro, not a constant Swift can import.
static inline int64_t cb_av_nopts_value(void) { return AV_NOPTS_VALUE; }
// av_err2str() is a macro using a compound literal; this writes into the caller's buffer.
static inline void cb_av_strerror(int code, char *buf, size_t size) { av_strerror(code, buf, size); }
// av_log_set_level takes a macro constant (AV_LOG_*); a named shim keeps the level explicit.
static inline void cb_av_log_quiet(void) { av_log_set_level(AV_LOG_QUIET); }
static inline void cb_av_log_errors_only(void) { av_log_set_level(AV_LOG_ERROR); }
// AV_CH_LAYOUT_* are macros built from shifted constants; Swift cannot import their ULL sums.
static inline void cb_av_channel_layout_default(AVChannelLayout *layout, int channels) {
    av_channel_layout_default(layout, channels);
}

#endif
