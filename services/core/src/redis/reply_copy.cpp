#include "redis/reply_copy.hpp"

#include <hiredis/hiredis.h>

namespace huicai::redis {

Reply copy_reply(const redisReply& reply) {
  Reply copy;
  switch (reply.type) {
    case REDIS_REPLY_STRING:
      copy.type = Reply::Type::string;
      copy.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_STATUS:
      copy.type = Reply::Type::status;
      copy.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_ERROR:
      copy.type = Reply::Type::error;
      copy.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_INTEGER:
      copy.type = Reply::Type::integer;
      copy.integer = reply.integer;
      break;
    case REDIS_REPLY_ARRAY:
      copy.type = Reply::Type::array;
      copy.elements.reserve(reply.elements);
      for (std::size_t i = 0; i < reply.elements; ++i) {
        copy.elements.push_back(copy_reply(*reply.element[i]));
      }
      break;
    case REDIS_REPLY_NIL:
    default:
      copy.type = Reply::Type::nil;
      break;
  }
  return copy;
}

}  // namespace huicai::redis
