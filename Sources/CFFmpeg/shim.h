#ifndef KINEMA_CFFMPEG_SHIM_H
#define KINEMA_CFFMPEG_SHIM_H
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libswresample/swresample.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/dict.h>
#include <libavutil/display.h>
#include <libavutil/channel_layout.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/log.h>
#include <libavutil/cpu.h>
#include <errno.h>

/// AVERROR(e) and friends are macros; Swift sees these instead.
static inline int kinema_averror(int e) { return AVERROR(e); }
static inline int kinema_averror_eof(void) { return AVERROR_EOF; }
static inline int kinema_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int kinema_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int64_t kinema_av_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline AVRational kinema_av_time_base_q(void) { return AV_TIME_BASE_Q; }
static inline int kinema_ff_qp2lambda(void) { return FF_QP2LAMBDA; }

/// Whether the AVIOContext of an input has hit end of file (a field Swift can reach, kept here for clarity).
static inline int kinema_avio_eof_reached(const AVFormatContext *fmt) {
    return fmt && fmt->pb ? fmt->pb->eof_reached : 0;
}
#endif
