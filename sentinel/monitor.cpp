// sentinel/monitor.cpp — what the sentinel concludes and does: reading INFO replies, SDOWN
// and ODOWN, epochs and the leader vote, the failover state machine, TILT, and the timer
// that drives them all (Redis's sentinelTimer, run 10-19 times a second).
#include <cstdlib>
#include <ctime>
#include <algorithm>

#include "common/log.h"
#include "common/util.h"
#include "sentinel/info_parse.h"
#include "sentinel/sentinel.h"

namespace osprey::sentinel {

namespace {

bool masterLooksSane(Instance* master) {
  return master->isMaster() && master->role_reported == SRI_MASTER &&
         !(master->flags & (SRI_S_DOWN | SRI_O_DOWN)) &&
         mstime() - master->info_refresh < S().timers.info_period * 2;
}

// True when the instance has not been SDOWN or ODOWN for the last `ms`.
bool noDownFor(Instance* ri, long long ms) {
  long long most_recent = std::max(ri->s_down_since_time, ri->o_down_since_time);
  return most_recent == 0 || mstime() - most_recent > ms;
}

}  // namespace

// ==== INFO ================================================================================

// sentinelRefreshInstanceInfo: first record what the instance says about itself, then act on
// it (discover replicas, notice promotions, re-point replicas that follow the wrong master,
// track replicas reconfigured by our failover). Nothing acts while in TILT.
void refreshInstanceInfo(Instance* ri, const std::string& info) {
  InfoSnapshot snap = parseInfo(info);
  ri->info = info;
  ri->master_link_down_time = 0;
  long long now = mstime();

  if (!snap.run_id.empty() && ri->runid != snap.run_id) {
    if (!ri->runid.empty()) {
      sentinelEvent(LL_NOTICE, "+reboot", ri, "");
      if (ri->isMaster() && ri->master_reboot_down_after_period != 0) {
        ri->flags |= SRI_MASTER_REBOOT;
        ri->master_reboot_since_time = now;
      }
    }
    ri->runid = snap.run_id;
  }
  if (ri->isMaster()) {
    for (const InfoReplica& r : snap.replicas) {
      if (lookupSlave(ri, r.ip, r.port)) continue;
      std::string err;
      Instance* slave = createInstance("", SRI_SLAVE, r.ip, r.port, ri->quorum, ri, &err);
      if (slave) {
        sentinelEvent(LL_NOTICE, "+slave", slave, "");
        flushConfig();
      }
    }
  }
  ri->master_link_down_time = snap.master_link_down_since_ms;
  uint32_t role = snap.role == 1 ? uint32_t{SRI_MASTER} : snap.role == 2 ? uint32_t{SRI_SLAVE} : 0u;
  if (role == SRI_SLAVE) {
    if (snap.master_host_seen &&
        (ri->slave_master_host.empty() || !equalsIgnoreCase(snap.master_host, ri->slave_master_host))) {
      ri->slave_master_host = snap.master_host;
      ri->slave_conf_change_time = now;
    }
    if (snap.master_port_seen && ri->slave_master_port != snap.master_port) {
      ri->slave_master_port = snap.master_port;
      ri->slave_conf_change_time = now;
    }
    if (snap.master_link_status_seen)
      ri->slave_master_link_status = snap.master_link_up ? MasterLinkStatus::Up : MasterLinkStatus::Down;
    if (snap.slave_priority_seen) ri->slave_priority = snap.slave_priority;
    if (snap.slave_repl_offset_seen) ri->slave_repl_offset = snap.slave_repl_offset;
    if (snap.replica_announced_seen) ri->replica_announced = snap.replica_announced;
  }
  ri->info_refresh = now;

  // ---- Acting half ----
  if (role != ri->role_reported) {
    ri->role_reported_time = now;
    ri->role_reported = role;
    if (role == SRI_SLAVE) ri->slave_conf_change_time = now;
    bool same = (ri->flags & (SRI_MASTER | SRI_SLAVE)) == role;
    sentinelEvent(LL_VERBOSE, same ? "+role-change" : "-role-change", ri,
                  std::string(" new reported role is ") + (role == SRI_MASTER ? "master" : "slave"));
  }
  if (S().tilt) return;

  // A master reporting role:slave needs nothing here: it is judged unreachable (SDOWN) once
  // it has said so for long enough, and a failover follows.

  if (ri->isSlave() && role == SRI_MASTER) {
    Instance* master = ri->master;
    if ((ri->flags & SRI_PROMOTED) && (master->flags & SRI_FAILOVER_IN_PROGRESS) &&
        master->failover_state == FailoverState::WaitPromotion) {
      // Our promotion worked: this epoch's configuration is now the master's.
      master->config_epoch = master->failover_epoch;
      master->failover_state = FailoverState::ReconfSlaves;
      master->failover_state_change_time = now;
      flushConfig();
      sentinelEvent(LL_WARNING, "+promoted-slave", ri, "");
      if (S().simfailure_flags & SIMFAILURE_CRASH_AFTER_PROMOTION) simFailureCrash();
      sentinelEvent(LL_WARNING, "+failover-state-reconf-slaves", master, "");
      callClientReconfScript(master, "leader", "start", master->addr, ri->addr);
      forceHelloUpdateForMaster(master);
    } else {
      // A replica turned master on its own: after a while, if our master is fine, turn it
      // back into a replica of it.
      long long wait_time = S().timers.publish_period * 4;
      if (!(ri->flags & SRI_PROMOTED) && masterLooksSane(master) && noDownFor(ri, wait_time) &&
          now - ri->role_reported_time > wait_time) {
        if (sendSlaveOf(ri, &master->addr)) sentinelEvent(LL_NOTICE, "+convert-to-slave", ri, "");
      }
    }
  }

  if (ri->isSlave() && role == SRI_SLAVE &&
      (ri->slave_master_port != ri->master->addr.port ||
       !addrEqualsHostname(ri->master->addr, ri->slave_master_host))) {
    long long wait_time = ri->master->failover_timeout;
    if (masterLooksSane(ri->master) && noDownFor(ri, wait_time) &&
        now - ri->slave_conf_change_time > wait_time) {
      if (sendSlaveOf(ri, &ri->master->addr)) sentinelEvent(LL_NOTICE, "+fix-slave-config", ri, "");
    }
  }

  if (ri->isSlave() && role == SRI_SLAVE && (ri->flags & (SRI_RECONF_SENT | SRI_RECONF_INPROG)) &&
      ri->master->promoted_slave) {
    Instance* promoted = ri->master->promoted_slave;
    if ((ri->flags & SRI_RECONF_SENT) && !ri->slave_master_host.empty() &&
        addrEqualsHostname(promoted->addr, ri->slave_master_host) &&
        ri->slave_master_port == promoted->addr.port) {
      ri->flags &= ~SRI_RECONF_SENT;
      ri->flags |= SRI_RECONF_INPROG;
      sentinelEvent(LL_NOTICE, "+slave-reconf-inprog", ri, "");
    }
    if ((ri->flags & SRI_RECONF_INPROG) && ri->slave_master_link_status == MasterLinkStatus::Up) {
      ri->flags &= ~SRI_RECONF_INPROG;
      ri->flags |= SRI_RECONF_DONE;
      sentinelEvent(LL_NOTICE, "+slave-reconf-done", ri, "");
    }
  }
}

// ==== SDOWN / ODOWN ======================================================================

// Beyond Redis: with busy-down-after-milliseconds set, an instance answering -BUSY is in a
// busy window (+busy ... -busy) during which SDOWN waits for the longer limit.
void noteBusyReply(Instance* ri) {
  if (ri->busy_down_after_period <= 0 || (ri->flags & SRI_BUSY)) return;
  ri->flags |= SRI_BUSY;
  ri->busy_since_time = mstime();
  sentinelEvent(LL_WARNING, "+busy", ri, "");
}

void noteNotBusyReply(Instance* ri) {
  if (!(ri->flags & SRI_BUSY)) return;
  ri->flags &= ~SRI_BUSY;
  ri->busy_since_time = 0;
  sentinelEvent(LL_WARNING, "-busy", ri, "");
}

namespace {

void checkSubjectivelyDown(Instance* ri) {
  long long now = mstime();
  Link* link = ri->link.get();
  long long elapsed = 0;
  if (link->act_ping_time)
    elapsed = now - link->act_ping_time;
  else if (link->disconnected)
    elapsed = now - link->last_avail_time;

  // A command link whose PINGs go unanswered for half the down period is reconnected
  // (the instance may be fine and the connection stuck); same for a silent Pub/Sub link.
  if (link->cc && now - link->cc_conn_time > S().timers.min_link_reconnect_period &&
      link->act_ping_time != 0 && now - link->act_ping_time > ri->down_after_period / 2 &&
      now - link->last_pong_time > ri->down_after_period / 2)
    closeCommandLink(ri);
  if (link->pc && now - link->pc_conn_time > S().timers.min_link_reconnect_period &&
      now - link->pc_last_activity > S().timers.publish_period * 3)
    closePubsubLink(ri);

  long long down_after = ri->down_after_period;
  if ((ri->flags & SRI_BUSY) && !link->disconnected && now - link->last_pong_time < ri->down_after_period)
    down_after = std::max(down_after, ri->busy_down_after_period);

  bool down = elapsed > down_after ||
              (ri->isMaster() && ri->role_reported == SRI_SLAVE &&
               now - ri->role_reported_time > ri->down_after_period + S().timers.info_period * 2) ||
              ((ri->flags & SRI_MASTER_REBOOT) &&
               now - ri->master_reboot_since_time > ri->master_reboot_down_after_period);
  if (down) {
    if (!(ri->flags & SRI_S_DOWN)) {
      sentinelEvent(LL_WARNING, "+sdown", ri, "");
      ri->s_down_since_time = now;
      ri->flags |= SRI_S_DOWN;
    }
  } else if (ri->flags & SRI_S_DOWN) {
    sentinelEvent(LL_WARNING, "-sdown", ri, "");
    ri->flags &= ~(SRI_S_DOWN | SRI_SCRIPT_KILL_SENT);
  }
}

void checkObjectivelyDown(Instance* master) {
  unsigned quorum = 0;
  bool odown = false;
  if (master->flags & SRI_S_DOWN) {
    quorum = 1;
    for (auto& [k, s] : master->sentinels)
      if (s->flags & SRI_MASTER_DOWN) quorum++;
    if (quorum >= master->quorum) odown = true;
  }
  if (odown) {
    if (!(master->flags & SRI_O_DOWN)) {
      sentinelEvent(LL_WARNING, "+odown", master,
                    " #quorum " + std::to_string(quorum) + "/" + std::to_string(master->quorum));
      master->flags |= SRI_O_DOWN;
      master->o_down_since_time = mstime();
    }
  } else if (master->flags & SRI_O_DOWN) {
    sentinelEvent(LL_WARNING, "-odown", master, "");
    master->flags &= ~SRI_O_DOWN;
  }
}

// ==== Leader election ====================================================================

// sentinelGetLeader: the sentinel with the most votes for `epoch` (ours included: we vote
// for the most voted one, or for ourselves), if it has both a majority of all known
// sentinels and the quorum.
std::string getLeader(Instance* master, uint64_t epoch) {
  std::map<std::string, unsigned> counters;
  unsigned voters = static_cast<unsigned>(master->sentinels.size()) + 1;
  for (auto& [k, s] : master->sentinels)
    if (!s->leader.empty() && s->leader_epoch == S().current_epoch) counters[s->leader]++;
  std::string winner;
  unsigned max_votes = 0;
  for (auto& [id, votes] : counters) {
    if (votes > max_votes) {
      max_votes = votes;
      winner = id;
    }
  }
  uint64_t leader_epoch = 0;
  std::string myvote = voteLeader(master, epoch, winner.empty() ? S().myid : winner, &leader_epoch);
  if (!myvote.empty() && leader_epoch == epoch) {
    unsigned votes = ++counters[myvote];
    if (votes > max_votes) {
      max_votes = votes;
      winner = myvote;
    }
  }
  unsigned voters_quorum = voters / 2 + 1;
  if (!winner.empty() && (max_votes < voters_quorum || max_votes < master->quorum)) winner.clear();
  return winner;
}

}  // namespace

// sentinelVoteLeader: one vote per epoch, to the first sentinel asking in it. Voting for
// another sentinel also delays our own failover attempt for this master.
std::string voteLeader(Instance* master, uint64_t req_epoch, const std::string& req_runid,
                       uint64_t* leader_epoch) {
  if (req_epoch > S().current_epoch) {
    S().current_epoch = req_epoch;
    flushConfig();
    sentinelEvent(LL_WARNING, "+new-epoch", master, std::to_string(S().current_epoch), false);
  }
  if (master->leader_epoch < req_epoch && S().current_epoch <= req_epoch) {
    master->leader = req_runid;
    master->leader_epoch = S().current_epoch;
    flushConfig();
    sentinelEvent(LL_WARNING, "+vote-for-leader", master,
                  master->leader + " " + std::to_string(master->leader_epoch), false);
    if (!equalsIgnoreCase(master->leader, S().myid))
      master->failover_start_time = mstime() + std::rand() % kMaxDesync;
  }
  *leader_epoch = master->leader_epoch;
  return master->leader;
}

int isQuorumReachable(Instance* master, int* usable_out) {
  unsigned voters = static_cast<unsigned>(master->sentinels.size()) + 1;
  int usable = 1;
  for (auto& [k, s] : master->sentinels) {
    if (s->flags & (SRI_S_DOWN | SRI_O_DOWN)) continue;
    usable++;
  }
  int result = QUORUM_OK;
  if (usable < static_cast<int>(master->quorum)) result |= QUORUM_NOQUORUM;
  if (usable < static_cast<int>(voters / 2 + 1)) result |= QUORUM_NOAUTH;
  *usable_out = usable;
  return result;
}

void simFailureCrash() {
  serverLog(LogLevel::Warning, "Sentinel CRASH because of SENTINEL simulate-failure");
  std::exit(99);
}

// ==== Failover state machine =============================================================

void startFailover(Instance* master) {
  master->failover_state = FailoverState::WaitStart;
  master->flags |= SRI_FAILOVER_IN_PROGRESS;
  master->failover_epoch = ++S().current_epoch;
  sentinelEvent(LL_WARNING, "+new-epoch", master, std::to_string(S().current_epoch), false);
  sentinelEvent(LL_WARNING, "+try-failover", master, "");
  master->failover_start_time = mstime() + std::rand() % kMaxDesync;
  master->failover_state_change_time = mstime();
}

namespace {

bool startFailoverIfNeeded(Instance* master) {
  if (!(master->flags & SRI_O_DOWN)) return false;
  if (master->flags & SRI_FAILOVER_IN_PROGRESS) return false;
  if (mstime() - master->failover_start_time < master->failover_timeout * 2) {
    if (master->failover_delay_logged != master->failover_start_time) {
      time_t clock = (master->failover_start_time + master->failover_timeout * 2) / 1000;
      char buf[26];
      ctime_r(&clock, buf);
      buf[24] = '\0';
      master->failover_delay_logged = master->failover_start_time;
      serverLog(LogLevel::Warning, "Next failover delay: I will not start a failover before {}", buf);
    }
    return false;
  }
  startFailover(master);
  return true;
}

void abortFailover(Instance* ri) {
  ri->flags &= ~(SRI_FAILOVER_IN_PROGRESS | SRI_FORCE_FAILOVER);
  ri->failover_state = FailoverState::None;
  ri->failover_state_change_time = mstime();
  if (ri->promoted_slave) {
    ri->promoted_slave->flags &= ~SRI_PROMOTED;
    ri->promoted_slave = nullptr;
  }
}

void failoverWaitStart(Instance* ri) {
  std::string leader = getLeader(ri, ri->failover_epoch);
  bool isleader = !leader.empty() && equalsIgnoreCase(leader, S().myid);
  if (!isleader && !(ri->flags & SRI_FORCE_FAILOVER)) {
    long long election_timeout = std::min(S().timers.election_timeout, ri->failover_timeout);
    if (mstime() - ri->failover_start_time > election_timeout) {
      sentinelEvent(LL_WARNING, "-failover-abort-not-elected", ri, "");
      abortFailover(ri);
    }
    return;
  }
  sentinelEvent(LL_WARNING, "+elected-leader", ri, "");
  if (S().simfailure_flags & SIMFAILURE_CRASH_AFTER_ELECTION) simFailureCrash();
  ri->failover_state = FailoverState::SelectSlave;
  ri->failover_state_change_time = mstime();
  sentinelEvent(LL_WARNING, "+failover-state-select-slave", ri, "");
}

void failoverSelectSlave(Instance* ri) {
  Instance* slave = selectSlave(ri);
  if (!slave) {
    sentinelEvent(LL_WARNING, "-failover-abort-no-good-slave", ri, "");
    abortFailover(ri);
    return;
  }
  sentinelEvent(LL_WARNING, "+selected-slave", slave, "");
  slave->flags |= SRI_PROMOTED;
  ri->promoted_slave = slave;
  ri->failover_state = FailoverState::SendSlaveofNoone;
  ri->failover_state_change_time = mstime();
  sentinelEvent(LL_NOTICE, "+failover-state-send-slaveof-noone", slave, "");
}

void failoverSendSlaveOfNoOne(Instance* ri) {
  if (ri->promoted_slave->link->disconnected) {
    if (mstime() - ri->failover_state_change_time > ri->failover_timeout) {
      sentinelEvent(LL_WARNING, "-failover-abort-slave-timeout", ri, "");
      abortFailover(ri);
    }
    return;
  }
  if (!sendSlaveOf(ri->promoted_slave, nullptr)) return;
  sentinelEvent(LL_NOTICE, "+failover-state-wait-promotion", ri->promoted_slave, "");
  ri->failover_state = FailoverState::WaitPromotion;
  ri->failover_state_change_time = mstime();
}

void failoverWaitPromotion(Instance* ri) {
  if (mstime() - ri->failover_state_change_time > ri->failover_timeout) {
    sentinelEvent(LL_WARNING, "-failover-abort-slave-timeout", ri, "");
    abortFailover(ri);
  }
}

void failoverDetectEnd(Instance* master) {
  if (!master->promoted_slave || (master->promoted_slave->flags & SRI_S_DOWN)) return;
  int not_reconfigured = 0;
  bool timeout = false;
  for (auto& [k, s] : master->slaves) {
    if (s->flags & (SRI_PROMOTED | SRI_RECONF_DONE)) continue;
    if (s->flags & SRI_S_DOWN) continue;
    not_reconfigured++;
  }
  if (mstime() - master->failover_state_change_time > master->failover_timeout) {
    not_reconfigured = 0;
    timeout = true;
    sentinelEvent(LL_WARNING, "+failover-end-for-timeout", master, "");
  }
  if (not_reconfigured == 0) {
    sentinelEvent(LL_WARNING, "+failover-end", master, "");
    master->failover_state = FailoverState::UpdateConfig;
    master->failover_state_change_time = mstime();
  }
  if (timeout) {
    // Best effort: send the remaining replicas their new master anyway.
    for (auto& [k, s] : master->slaves) {
      if (s->flags & (SRI_PROMOTED | SRI_RECONF_DONE | SRI_RECONF_SENT)) continue;
      if (s->link->disconnected) continue;
      if (sendSlaveOf(s.get(), &master->promoted_slave->addr)) {
        sentinelEvent(LL_NOTICE, "+slave-reconf-sent-be", s.get(), "");
        s->flags |= SRI_RECONF_SENT;
      }
    }
  }
}

// Points at most parallel-syncs replicas at a time at the promoted one.
void failoverReconfNextSlave(Instance* master) {
  int in_progress = 0;
  for (auto& [k, s] : master->slaves)
    if (s->flags & (SRI_RECONF_SENT | SRI_RECONF_INPROG)) in_progress++;
  for (auto& [k, sp] : master->slaves) {
    if (in_progress >= master->parallel_syncs) break;
    Instance* slave = sp.get();
    if (slave->flags & (SRI_PROMOTED | SRI_RECONF_DONE)) continue;
    if ((slave->flags & SRI_RECONF_SENT) &&
        mstime() - slave->slave_reconf_sent_time > S().timers.slave_reconf_timeout) {
      sentinelEvent(LL_NOTICE, "-slave-reconf-sent-timeout", slave, "");
      slave->flags &= ~SRI_RECONF_SENT;
      slave->flags |= SRI_RECONF_DONE;
    }
    if (slave->flags & (SRI_RECONF_SENT | SRI_RECONF_INPROG)) continue;
    if (slave->link->disconnected) continue;
    if (sendSlaveOf(slave, &master->promoted_slave->addr)) {
      slave->flags |= SRI_RECONF_SENT;
      slave->slave_reconf_sent_time = mstime();
      sentinelEvent(LL_NOTICE, "+slave-reconf-sent", slave, "");
      in_progress++;
    }
  }
  failoverDetectEnd(master);
}

void failoverStateMachine(Instance* ri) {
  if (!(ri->flags & SRI_FAILOVER_IN_PROGRESS)) return;
  switch (ri->failover_state) {
    case FailoverState::WaitStart: failoverWaitStart(ri); break;
    case FailoverState::SelectSlave: failoverSelectSlave(ri); break;
    case FailoverState::SendSlaveofNoone: failoverSendSlaveOfNoOne(ri); break;
    case FailoverState::WaitPromotion: failoverWaitPromotion(ri); break;
    case FailoverState::ReconfSlaves: failoverReconfNextSlave(ri); break;
    default: break;
  }
}

void failoverSwitchToPromotedSlave(Instance* master) {
  Instance* ref = master->promoted_slave ? master->promoted_slave : master;
  sentinelEvent(LL_WARNING, "+switch-master", master,
                master->name + " " + announceAddr(master->addr) + " " + std::to_string(master->addr.port) +
                    " " + announceAddr(ref->addr) + " " + std::to_string(ref->addr.port),
                false);
  std::string host = ref->addr.hostname;
  int port = ref->addr.port;
  resetMasterAndChangeAddress(master, host, port);
}

// ==== Timer ==============================================================================

void checkTiltCondition() {
  long long now = mstime();
  long long delta = now - S().previous_time;
  if (delta < 0 || delta > S().timers.tilt_trigger) {
    S().tilt = true;
    S().tilt_start_time = mstime();
    sentinelEvent(LL_WARNING, "+tilt", nullptr, "#tilt mode entered");
  }
  S().previous_time = mstime();
}

void handleInstance(Instance* ri) {
  reconnectInstance(ri);
  sendPeriodicCommands(ri);
  if (S().tilt) {
    if (mstime() - S().tilt_start_time < S().timers.tilt_period) return;
    S().tilt = false;
    sentinelEvent(LL_WARNING, "-tilt", nullptr, "#tilt mode exited");
  }
  checkSubjectivelyDown(ri);
  if (ri->isMaster()) {
    checkObjectivelyDown(ri);
    if (startFailoverIfNeeded(ri)) askMasterStateToOtherSentinels(ri, true);
    failoverStateMachine(ri);
    askMasterStateToOtherSentinels(ri, false);
  }
}

}  // namespace

// sentinelSelectSlave: the best replica to promote, or nullptr. Replicas that are down,
// disconnected, silent for 5 s, with priority 0, stale INFO, or disconnected from the master
// for too long are out; then lowest priority, highest offset, smallest run id win.
Instance* selectSlave(Instance* master) {
  long long now = mstime();
  long long max_master_down_time = 0;
  if (master->flags & SRI_S_DOWN) max_master_down_time += now - master->s_down_since_time;
  max_master_down_time += master->down_after_period * 10;
  std::vector<Instance*> candidates;
  for (auto& [k, sp] : master->slaves) {
    Instance* s = sp.get();
    if (s->flags & (SRI_S_DOWN | SRI_O_DOWN)) continue;
    if (s->link->disconnected) continue;
    if (now - s->link->last_avail_time > S().timers.ping_period * 5) continue;
    if (s->slave_priority == 0) continue;
    long long info_validity =
        (master->flags & SRI_S_DOWN) ? S().timers.ping_period * 5 : S().timers.info_period * 3;
    if (now - s->info_refresh > info_validity) continue;
    if (s->master_link_down_time > max_master_down_time) continue;
    candidates.push_back(s);
  }
  if (candidates.empty()) return nullptr;
  std::sort(candidates.begin(), candidates.end(), [](Instance* a, Instance* b) {
    if (a->slave_priority != b->slave_priority) return a->slave_priority < b->slave_priority;
    if (a->slave_repl_offset != b->slave_repl_offset) return a->slave_repl_offset > b->slave_repl_offset;
    if (a->runid.empty() != b->runid.empty()) return !a->runid.empty();
    return strcasecmp(a->runid.c_str(), b->runid.c_str()) < 0;
  });
  return candidates.front();
}

void sentinelTimer() {
  S().graveyard.clear();
  checkTiltCondition();
  Instance* switch_to_promoted = nullptr;
  // Handling may add instances (discovery) or reset them: walk snapshots of the tables.
  std::vector<Instance*> masters;
  for (auto& [k, m] : S().masters) masters.push_back(m.get());
  for (Instance* m : masters) {
    handleInstance(m);
    std::vector<Instance*> children;
    for (auto& [k, s] : m->slaves) children.push_back(s.get());
    for (auto& [k, s] : m->sentinels) children.push_back(s.get());
    for (Instance* c : children) {
      // A reset of the master releases its replicas; skip the ones gone since the snapshot.
      bool released = false;
      for (auto& g : S().graveyard)
        if (g.get() == c) released = true;
      if (released) continue;
      handleInstance(c);
    }
    if (m->failover_state == FailoverState::UpdateConfig) switch_to_promoted = m;
  }
  if (switch_to_promoted) failoverSwitchToPromotedSlave(switch_to_promoted);
  runPendingScripts();
  collectTerminatedScripts();
  killTimedoutScripts();
}

}  // namespace osprey::sentinel
