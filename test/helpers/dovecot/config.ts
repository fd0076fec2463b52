/**
 * Renders the private dovecot.conf used by the test harness (Dovecot 2.3 setting names, as
 * shipped by Debian 12). Nothing from /etc/dovecot is read: the file is complete on its own.
 */

/** Everything the rendered configuration depends on. */
export interface DovecotConfigInput {
  /** Unique per instance, so doveadm and the logs of parallel instances never mix. */
  instanceName: string;
  host: string;
  port: number;
  /** Implicit-TLS (RFC 8314) port; needs `tls`. */
  tlsPort?: number;
  tls?: { certPath: string; keyPath: string };
  /** Master sockets; login processes are chrooted to `<runDir>/login` when run as root. */
  runDir: string;
  stateDir: string;
  logPath: string;
  /** Info-level log lines (one per login and logout); '/dev/null' silences them. */
  infoLogPath: string;
  passwdPath: string;
  /** SASL mechanisms, lower case (e.g. plain, login, apop, cram-md5). */
  mechanisms: readonly string[];
  /** The uid every mail process runs as (userdb returns it); Dovecot refuses 0. */
  mailUid: number;
  /** Set when Dovecot is not started by root: every internal process runs as this user. */
  rootlessUser?: { user: string; group: string };
  /** Simultaneous POP3 sessions the limits are sized for. */
  maxSessions: number;
  /** Appended verbatim, last, so it overrides anything above. */
  extraConfig?: string;
}

/** Renders dovecot.conf text; throws if a path cannot be written into the file unquoted. */
export function renderDovecotConfig(input: DovecotConfigInput): string {
  for (const p of [input.runDir, input.stateDir, input.logPath, input.passwdPath, input.tls?.certPath, input.tls?.keyPath]) {
    if (p !== undefined && /[\s"#{}]/.test(p)) throw new Error(`path not usable in dovecot.conf: ${JSON.stringify(p)}`);
  }
  const sessions = input.maxSessions;
  const lines: string[] = [
    `# Private Dovecot instance of the pop3-playground test harness.`,
    `instance_name = ${input.instanceName}`,
    `protocols = pop3`,
    `listen = ${input.host}`,
    `base_dir = ${input.runDir}`,
    `state_dir = ${input.stateDir}`,
    `log_path = ${input.logPath}`,
    `info_log_path = ${input.infoLogPath}`,
    `login_greeting = Dovecot ready.`,
    ``,
    `# Authentication: a passwd-file with {PLAIN} passwords serves as passdb and userdb.`,
    `auth_mechanisms = ${input.mechanisms.join(' ')}`,
    `disable_plaintext_auth = no`,
    `# Failed logins still wait for the auth process' next 0.5 s tick.`,
    `auth_failure_delay = 0`,
    `passdb {`,
    `  driver = passwd-file`,
    `  args = scheme=PLAIN username_format=%u ${input.passwdPath}`,
    `}`,
    `userdb {`,
    `  driver = passwd-file`,
    `  args = username_format=%u ${input.passwdPath}`,
    `}`,
    ``,
    `# Mail: one Maildir per user, owned by the uid the userdb returns.`,
    `mail_location = maildir:~/Maildir`,
    `first_valid_uid = ${Math.max(1, Math.min(input.mailUid, 500))}`,
    `mail_max_userip_connections = ${sessions}`,
    `pop3_uidl_format = %08Xu%08Xv`,
    `pop3_lock_session = yes`,
    ``,
    `# TLS`,
    ...(input.tls
      ? [`ssl = yes`, `ssl_cert = <${input.tls.certPath}`, `ssl_key = <${input.tls.keyPath}`, `ssl_min_protocol = TLSv1.2`]
      : [`ssl = no`]),
    ``,
    `# Limits sized for ${sessions} simultaneous sessions (benchmarks open many at once).`,
    `default_process_limit = ${sessions + 100}`,
    `default_client_limit = ${sessions * 2 + 200}`,
    `service pop3-login {`,
    `  inet_listener pop3 {`,
    `    address = ${input.host}`,
    `    port = ${input.port}`,
    `  }`,
    `  inet_listener pop3s {`,
    `    address = ${input.host}`,
    `    port = ${input.tlsPort ?? 0}`,
    ...(input.tlsPort !== undefined ? [`    ssl = yes`] : []),
    `  }`,
    `  # High-performance mode: a few long-lived login processes, each serving many clients.`,
    `  service_count = 0`,
    `  process_min_avail = 2`,
    `  client_limit = ${sessions + 100}`,
    ...(input.rootlessUser ? [`  chroot =`] : []),
    `}`,
    `service pop3 {`,
    `  process_limit = ${sessions + 100}`,
    `}`,
    `service auth {`,
    `  client_limit = ${sessions * 2 + 200}`,
    `}`,
    `service anvil {`,
    `  client_limit = ${sessions * 2 + 200}`,
    `  # No per-IP auth penalty (2-15 s, growing): tests fail logins on purpose from 127.0.0.1.`,
    `  # Without this socket the auth process turns the penalty off.`,
    `  unix_listener anvil-auth-penalty {`,
    `    mode = 0`,
    `  }`,
    ...(input.rootlessUser ? [`  chroot =`] : []),
    `}`,
  ];
  if (input.rootlessUser) {
    lines.push(
      ``,
      `# Started without root: every process runs as the invoking user.`,
      `default_internal_user = ${input.rootlessUser.user}`,
      `default_internal_group = ${input.rootlessUser.group}`,
      `default_login_user = ${input.rootlessUser.user}`,
    );
  }
  if (input.extraConfig) lines.push(``, `# Extra settings from the caller.`, input.extraConfig);
  return lines.join('\n') + '\n';
}
