#include "sandbox/reply.h"

namespace keyform::sandbox {

using nlohmann::json;

ApiError::ApiError(int status, std::string code, const std::string& detail,
                   std::vector<std::string> parameters, Headers headers)
    : std::runtime_error(detail),
      status(status),
      code(std::move(code)),
      parameters(std::move(parameters)),
      headers(std::move(headers)) {}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Error";
  }
}

Reply error_reply(const ApiError& error) {
  json body = {{"detail", error.what()},
               {"error", error.status},
               {"errorCode", error.code},
               {"parameters", error.parameters},
               {"reason", reason_phrase(error.status)}};
  return Reply{error.status, std::move(body), "application/json", error.headers};
}

Reply envelope(Reply reply) {
  const bool is_list = reply.body && reply.body->is_object() && reply.body->contains("results");
  if (is_list) {
    (*reply.body)["status"] = reply.status;
  } else {
    reply.body = json{{"status", reply.status}, {"content", reply.body.value_or(json::object())}};
  }
  reply.status = 200;
  return reply;
}

std::string render_body(const Reply& reply) {
  if (reply.raw_body) return *reply.raw_body;
  if (!reply.body) return {};
  return reply.pretty ? reply.body->dump(2) : reply.body->dump();
}

}  // namespace keyform::sandbox
