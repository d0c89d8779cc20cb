#pragma once
// hiredis frees a reply as soon as its callback returns, so every reply is copied into our own
// Reply inside the callback.

#include <huicai/core/redis/client.hpp>

struct redisReply;

namespace huicai::redis {

Reply copy_reply(const redisReply& reply);

}  // namespace huicai::redis
