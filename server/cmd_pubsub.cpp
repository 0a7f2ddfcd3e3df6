// server/cmd_pubsub.cpp — Pub/Sub: SUBSCRIBE / UNSUBSCRIBE, PSUBSCRIBE / PUNSUBSCRIBE,
// PUBLISH, the PUBSUB introspection family, and the shard-channel commands SSUBSCRIBE /
// SUNSUBSCRIBE / SPUBLISH as a non-cluster Redis 7.0 runs them (shard channels are a
// namespace of their own, delivered as "smessage"). Also message delivery for keyspace
// notifications (pubsubPublishMessage) and the cleanup of a freed client.
//
// State lives in two places (types in server.h): the server maps each channel or pattern
// to its subscribers in subscription order (delivery order); each client maps its own
// subscriptions to its position in that list, so unsubscribing costs O(1).
// Subscribe replies report the client's subscription count: channels + patterns for the
// classic commands, shard channels alone for the shard ones, as Redis counts them.
#include <algorithm>

#include "common/util.h"
#include "server/db.h"
#include "server/networking.h"
#include "server/server.h"

namespace osprey {

namespace {

// One namespace of subscriptions and the words its replies and messages use.
struct PubsubKind {
  SubscriptionMap Client::*client_map;
  SubscriberMap Server::*server_map;
  const char* subscribe_word;
  const char* unsubscribe_word;
  bool shard;
};

const PubsubKind kChannels{&Client::channels, &Server::pubsub_channels, "subscribe",
                           "unsubscribe", false};
const PubsubKind kPatterns{&Client::patterns, &Server::pubsub_patterns, "psubscribe",
                           "punsubscribe", false};
const PubsubKind kShardChannels{&Client::shard_channels, &Server::pubsub_shard_channels,
                                "ssubscribe", "sunsubscribe", true};

// The count subscribe/unsubscribe replies carry.
size_t subscriptionCount(const Client& c, const PubsubKind& kind) {
  return kind.shard ? c.shard_channels.size() : c.channels.size() + c.patterns.size();
}

// Runs fill with a builder writing to c's socket buffer. Redis 7.0 marks every Pub/Sub reply
// and message as a push that CLIENT REPLY OFF / SKIP do not silence, so this bypasses the
// reply mode (the writer itself may point at the discard buffer). A client whose replies
// are being captured (in-process use) keeps its capture.
template <class Fill>
void writePush(Client& c, Fill&& fill) {
  if (c.reply != &c.writer) {
    fill(c.r());
    return;
  }
  RespWriter w(&c.out);
  w.setProtocol(c.writer.protocol());
  fill(w);
}

// [word, name (or null), count] as a push message (an array in RESP2).
void replySubscription(Client& c, const char* word, const std::string* name, size_t count) {
  writePush(c, [&](ReplyBuilder& r) {
    r.pushLen(3);
    r.bulk(word);
    if (name)
      r.bulk(*name);
    else
      r.null();
    r.integer(static_cast<long long>(count));
  });
}

void subscribe(Client& c, const PubsubKind& kind, const std::string& name) {
  SubscriptionMap& mine = c.*kind.client_map;
  auto [it, inserted] = mine.try_emplace(name);
  if (inserted) {
    std::list<Client*>& subscribers = (server.*kind.server_map)[name];
    subscribers.push_back(&c);
    it->second.seq = ++c.subscription_seq;
    it->second.pos = std::prev(subscribers.end());
  }
  replySubscription(c, kind.subscribe_word, &name, subscriptionCount(c, kind));
}

// Removes one subscription; replies when `notify` (even when it did not exist, as Redis).
void unsubscribe(Client& c, const PubsubKind& kind, const std::string& name, bool notify) {
  SubscriptionMap& mine = c.*kind.client_map;
  if (auto it = mine.find(name); it != mine.end()) {
    SubscriberMap& all = server.*kind.server_map;
    auto sit = all.find(name);
    sit->second.erase(it->second.pos);
    if (sit->second.empty()) all.erase(sit);
    mine.erase(it);
  }
  if (notify) replySubscription(c, kind.unsubscribe_word, &name, subscriptionCount(c, kind));
}

// Removes every subscription of one kind, oldest first. With `notify` and nothing to remove,
// replies once with a null name.
void unsubscribeAll(Client& c, const PubsubKind& kind, bool notify) {
  SubscriptionMap& mine = c.*kind.client_map;
  if (mine.empty()) {
    if (notify) replySubscription(c, kind.unsubscribe_word, nullptr, subscriptionCount(c, kind));
    return;
  }
  std::vector<std::pair<uint64_t, std::string>> names;
  names.reserve(mine.size());
  for (const auto& [name, sub] : mine) names.emplace_back(sub.seq, name);
  std::sort(names.begin(), names.end());
  for (const auto& [seq, name] : names) unsubscribe(c, kind, name, notify);
}

// Appends a message to a subscriber's socket buffer, whatever its CLIENT REPLY mode, and
// schedules the write.
void deliver(Client* target, std::initializer_list<std::string_view> parts) {
  RespWriter w(&target->out);
  w.setProtocol(target->writer.protocol());
  w.pushLen(parts.size());
  for (std::string_view p : parts) w.bulk(p);
  queueClientWrite(target);
}

long long publish(std::string_view channel, std::string_view message, bool shard) {
  long long receivers = 0;
  const SubscriberMap& channels = shard ? server.pubsub_shard_channels : server.pubsub_channels;
  if (auto it = channels.find(channel); it != channels.end()) {
    const char* word = shard ? "smessage" : "message";
    for (Client* target : it->second) {
      deliver(target, {word, channel, message});
      receivers++;
    }
  }
  if (shard) return receivers;
  for (const auto& [pattern, subscribers] : server.pubsub_patterns) {
    if (!stringmatch(pattern, channel)) continue;
    for (Client* target : subscribers) {
      deliver(target, {"pmessage", pattern, channel, message});
      receivers++;
    }
  }
  return receivers;
}

}  // namespace

long long pubsubPublishMessage(std::string_view channel, std::string_view message) {
  return publish(channel, message, false);
}

void pubsubUnsubscribeAll(Client& c) {
  unsubscribeAll(c, kChannels, false);
  unsubscribeAll(c, kPatterns, false);
  unsubscribeAll(c, kShardChannels, false);
}

// ---- Subscribe / unsubscribe -----------------------------------------------

static void subscribeCommand(Client& c) {
  for (size_t j = 1; j < c.argc(); j++) subscribe(c, kChannels, c.arg(j));
}

static void psubscribeCommand(Client& c) {
  for (size_t j = 1; j < c.argc(); j++) subscribe(c, kPatterns, c.arg(j));
}

static void ssubscribeCommand(Client& c) {
  // Redis refuses it to clients that expect one reply per command: inside EXEC here
  // (SUBSCRIBE is let through there for backward compatibility, SSUBSCRIBE is not).
  if (server.in_exec) {
    c.r().error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    return;
  }
  for (size_t j = 1; j < c.argc(); j++) subscribe(c, kShardChannels, c.arg(j));
}

static void unsubscribeGeneric(Client& c, const PubsubKind& kind) {
  if (c.argc() == 1) {
    unsubscribeAll(c, kind, true);
    return;
  }
  for (size_t j = 1; j < c.argc(); j++) unsubscribe(c, kind, c.arg(j), true);
}

static void unsubscribeCommand(Client& c) { unsubscribeGeneric(c, kChannels); }
static void punsubscribeCommand(Client& c) { unsubscribeGeneric(c, kPatterns); }
static void sunsubscribeCommand(Client& c) { unsubscribeGeneric(c, kShardChannels); }

// ---- Publish ---------------------------------------------------------------

// PUBLISH changes no data, yet Redis forwards it to replicas so their subscribers get the
// message too. (Redis sends it to replicas only, not to the AOF; the propagation sinks do
// not distinguish the two yet.)
static void publishGeneric(Client& c, bool shard) {
  long long receivers = publish(c.arg(1), c.arg(2), shard);
  propagate(c.db->id, c.argv);
  c.r().integer(receivers);
}

static void publishCommand(Client& c) { publishGeneric(c, false); }
static void spublishCommand(Client& c) { publishGeneric(c, true); }

// ---- PUBSUB ----------------------------------------------------------------

static void pubsubContainerCommand(Client&) {}  // never called: argc 2+ picks a subcommand

static void replyChannelList(Client& c, const SubscriberMap& channels) {
  const std::string* pattern = c.argc() == 3 ? &c.arg(2) : nullptr;
  std::vector<const std::string*> names;
  for (const auto& [name, subscribers] : channels)
    if (!pattern || stringmatch(*pattern, name)) names.push_back(&name);
  c.r().arrayLen(names.size());
  for (const std::string* n : names) c.r().bulk(*n);
}

static void replyNumsub(Client& c, const SubscriberMap& channels) {
  c.r().arrayLen((c.argc() - 2) * 2);
  for (size_t j = 2; j < c.argc(); j++) {
    auto it = channels.find(c.arg(j));
    c.r().bulk(c.arg(j));
    c.r().integer(it == channels.end() ? 0 : static_cast<long long>(it->second.size()));
  }
}

static void pubsubChannelsCommand(Client& c) {
  if (c.argc() > 3) {
    replySubcommandSyntaxError(c);
    return;
  }
  replyChannelList(c, server.pubsub_channels);
}

static void pubsubShardchannelsCommand(Client& c) {
  if (c.argc() > 3) {
    replySubcommandSyntaxError(c);
    return;
  }
  replyChannelList(c, server.pubsub_shard_channels);
}

static void pubsubNumsubCommand(Client& c) { replyNumsub(c, server.pubsub_channels); }
static void pubsubShardnumsubCommand(Client& c) { replyNumsub(c, server.pubsub_shard_channels); }

static void pubsubNumpatCommand(Client& c) {
  c.r().integer(static_cast<long long>(server.pubsub_patterns.size()));
}

static void pubsubHelpCommand(Client& c) {
  replyHelp(c, {
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
  });
}

// ---- Table -----------------------------------------------------------------

// Subcommands in the order the reference's COMMAND output lists them.
static const CommandRow kPubsubRows[] = {
    {"subscribe", -2, "pubsub noscript loading stale", "", 0, 0, 0, subscribeCommand, "pubsub",
     "2.0.0", "Listen for messages published to the given channels",
     "O(N) where N is the number of channels to subscribe to."},
    {"unsubscribe", -1, "pubsub noscript loading stale", "", 0, 0, 0, unsubscribeCommand,
     "pubsub", "2.0.0", "Stop listening for messages posted to the given channels",
     "O(N) where N is the number of clients already subscribed to a channel."},
    {"psubscribe", -2, "pubsub noscript loading stale", "", 0, 0, 0, psubscribeCommand,
     "pubsub", "2.0.0", "Listen for messages published to channels matching the given patterns",
     "O(N) where N is the number of patterns the client is already subscribed to."},
    {"punsubscribe", -1, "pubsub noscript loading stale", "", 0, 0, 0, punsubscribeCommand,
     "pubsub", "2.0.0",
     "Stop listening for messages posted to channels matching the given patterns",
     "O(N+M) where N is the number of patterns the client is already subscribed and M is the "
     "number of total patterns subscribed in the system (by any client)."},
    {"publish", 3, "pubsub loading stale fast", "", 0, 0, 0, publishCommand, "pubsub", "2.0.0",
     "Post a message to a channel",
     "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the "
     "total number of subscribed patterns (by any client)."},
    {"pubsub", -2, "", "@slow", 0, 0, 0, pubsubContainerCommand, "pubsub", "2.8.0",
     "A container for Pub/Sub commands", "Depends on subcommand."},
    {"pubsub|numsub", -2, "pubsub loading stale", "", 0, 0, 0, pubsubNumsubCommand, "pubsub",
     "2.8.0", "Get the count of subscribers for channels",
     "O(N) for the NUMSUB subcommand, where N is the number of requested channels"},
    {"pubsub|help", 2, "loading stale", "@slow", 0, 0, 0, pubsubHelpCommand, "pubsub", "6.2.0",
     "Show helpful text about the different subcommands", "O(1)"},
    {"pubsub|numpat", 2, "pubsub loading stale", "", 0, 0, 0, pubsubNumpatCommand, "pubsub",
     "2.8.0", "Get the count of unique patterns pattern subscriptions", "O(1)"},
    {"pubsub|shardnumsub", -2, "pubsub loading stale", "", 0, 0, 0, pubsubShardnumsubCommand,
     "pubsub", "7.0.0", "Get the count of subscribers for shard channels",
     "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels"},
    {"pubsub|channels", -2, "pubsub loading stale", "", 0, 0, 0, pubsubChannelsCommand,
     "pubsub", "2.8.0", "List active channels",
     "O(N) where N is the number of active channels, and assuming constant time pattern "
     "matching (relatively short channels and patterns)"},
    {"pubsub|shardchannels", -2, "pubsub loading stale", "", 0, 0, 0,
     pubsubShardchannelsCommand, "pubsub", "7.0.0", "List active shard channels",
     "O(N) where N is the number of active shard channels, and assuming constant time pattern "
     "matching (relatively short shard channels)."},
    // Shard channels occupy key positions in COMMAND INFO (for cluster routing) but are not
    // keys ("not_key" key specs).
    {"ssubscribe", -2, "pubsub noscript loading stale", "", 1, -1, 1, ssubscribeCommand,
     "pubsub", "7.0.0", "Listen for messages published to the given shard channels",
     "O(N) where N is the number of shard channels to subscribe to."},
    {"sunsubscribe", -1, "pubsub noscript loading stale", "", 1, -1, 1, sunsubscribeCommand,
     "pubsub", "7.0.0", "Stop listening for messages posted to the given shard channels",
     "O(N) where N is the number of clients already subscribed to a shard channel."},
    {"spublish", 3, "pubsub loading stale fast", "", 1, 1, 1, spublishCommand, "pubsub",
     "7.0.0", "Post a message to a shard channel",
     "O(N) where N is the number of clients subscribed to the receiving shard channel."},
};

CommandRows pubsubCommands() {
  return {kPubsubRows, sizeof(kPubsubRows) / sizeof(kPubsubRows[0])};
}

}  // namespace osprey
