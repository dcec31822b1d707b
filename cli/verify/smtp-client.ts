/**
 * A small SMTP submission client (RFC 5321, RFC 6409), enough to judge a relay the way a careful
 * client should: it reads the EHLO capabilities before and after STARTTLS (RFC 3207), upgrades or
 * starts with TLS (RFC 8314), inspects the server certificate itself, and authenticates with AUTH
 * PLAIN or LOGIN (RFC 4954). Every step has a deadline; a silent or slow server ends in an error,
 * never a hang. Credentials are sent only by the caller's decision and never logged.
 */
import * as net from "net";
import * as tls from "tls";

export interface SmtpReply {
  code: number;
  /** The text of each line, without the code and separator. */
  lines: string[];
}

/** `250 2.0.0 Ok` / `535 5.7.8 Error: ...`: the reply as one line, for reports. */
export function replyText(reply: SmtpReply): string {
  return `${reply.code} ${reply.lines.join(" / ")}`.trim();
}

/** EHLO keywords, upper case, with their parameters: `AUTH` -> `["PLAIN", "LOGIN"]`. */
export type Capabilities = Map<string, string[]>;

export function parseEhlo(reply: SmtpReply): Capabilities {
  const caps: Capabilities = new Map();
  for (const line of reply.lines.slice(1)) {
    const [keyword, ...params] = line.trim().split(/\s+/);
    if (keyword)
      caps.set(
        keyword.toUpperCase(),
        params.map((p) => p.toUpperCase()),
      );
  }
  return caps;
}

export interface CertificateInfo {
  /** Chain verified against the trusted CAs and within its validity period. */
  trusted: boolean;
  /** OpenSSL's reason when not trusted: CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, ... */
  trustError?: string;
  /** The certificate names the host connected to (RFC 6125). */
  hostMatches: boolean;
  hostError?: string;
  subject: string;
  issuer: string;
  altNames: string;
  validFrom: string;
  validTo: string;
  protocol: string;
  cipher: string;
}

export class SmtpError extends Error {
  constructor(
    message: string,
    /** The reply that ended the step, when there was one. */
    readonly reply?: SmtpReply,
  ) {
    super(message);
    this.name = "SmtpError";
  }
}

export interface SmtpConnectOptions {
  host: string;
  port: number;
  /** TLS from the first byte (port 465) instead of plain text. */
  implicitTls: boolean;
  /** PEM of the CAs to trust instead of Node's bundled roots (a private CA). */
  ca?: string;
  /** Deadline for each step in milliseconds. Default 15000. */
  timeoutMs?: number;
}

function nameOf(entity: Record<string, unknown> | undefined): string {
  if (entity === undefined) return "";
  const cn = entity.CN;
  if (typeof cn === "string") return `CN=${cn}`;
  return Object.entries(entity)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(", ");
}

/** What the TLS handshake showed about the server's certificate, checked against `host`. */
export function certificateInfo(socket: tls.TLSSocket, host: string): CertificateInfo {
  const cert = socket.getPeerCertificate();
  const empty = cert === null || Object.keys(cert).length === 0;
  const identity = empty
    ? new Error("the server sent no certificate")
    : tls.checkServerIdentity(host, cert);
  const trustError =
    socket.authorizationError === null || socket.authorizationError === undefined
      ? undefined
      : ((socket.authorizationError as unknown as { code?: string }).code ??
        String(socket.authorizationError));
  return {
    // Node checks the host name only once the chain verified, and reports a mismatch as the
    // authorization error: the chain is trusted then.
    trusted: socket.authorized || trustError === "ERR_TLS_CERT_ALTNAME_INVALID",
    trustError: trustError === "ERR_TLS_CERT_ALTNAME_INVALID" ? undefined : trustError,
    hostMatches: identity === undefined,
    hostError: identity?.message,
    subject: empty ? "" : nameOf(cert.subject),
    issuer: empty ? "" : nameOf(cert.issuer),
    altNames: empty ? "" : (cert.subjectaltname ?? ""),
    validFrom: empty ? "" : cert.valid_from,
    validTo: empty ? "" : cert.valid_to,
    protocol: socket.getProtocol() ?? "",
    cipher: socket.getCipher()?.name ?? "",
  };
}

/**
 * One SMTP session. Replies are read line by line; a reply is complete at the line whose code is
 * followed by a space (or nothing), as RFC 5321 4.2.1 says.
 */
export class SmtpSession {
  greeting!: SmtpReply;
  private socket: net.Socket | tls.TLSSocket;
  private buffer = "";
  private lines: string[] = [];
  private waiter?: () => void;
  private failure?: Error;
  private readonly timeoutMs: number;

  private constructor(
    socket: net.Socket | tls.TLSSocket,
    private readonly options: SmtpConnectOptions,
  ) {
    this.socket = socket;
    this.timeoutMs = options.timeoutMs ?? 15000;
    this.attach(socket);
  }

  /** Connects (with TLS when implicit) and reads the greeting. */
  static async connect(
    options: SmtpConnectOptions,
  ): Promise<{ session: SmtpSession; certificate?: CertificateInfo }> {
    const timeoutMs = options.timeoutMs ?? 15000;
    const s = options.implicitTls
      ? tls.connect({
          host: options.host,
          port: options.port,
          servername: net.isIP(options.host) ? undefined : options.host,
          ca: options.ca,
          rejectUnauthorized: false,
        })
      : net.connect({ host: options.host, port: options.port });
    const socket = await settle(
      s,
      options.implicitTls ? "secureConnect" : "connect",
      timeoutMs,
      `no ${options.implicitTls ? "TLS handshake" : "connection"} with ${options.host}:${options.port} within ${timeoutMs / 1000} s`,
    );
    const session = new SmtpSession(socket, options);
    const certificate = options.implicitTls
      ? certificateInfo(socket as tls.TLSSocket, options.host)
      : undefined;
    try {
      session.greeting = await session.read();
    } catch (e) {
      session.close();
      throw e;
    }
    if (session.greeting.code !== 220) {
      session.close();
      throw new SmtpError(
        `the server greeted with ${replyText(session.greeting)}`,
        session.greeting,
      );
    }
    return { session, certificate };
  }

  private attach(socket: net.Socket | tls.TLSSocket): void {
    socket.setEncoding("utf8");
    socket.on("data", this.onData);
    socket.on("error", this.onError);
    socket.on("close", this.onClose);
  }

  private detach(socket: net.Socket | tls.TLSSocket): void {
    socket.off("data", this.onData);
    socket.off("error", this.onError);
    socket.off("close", this.onClose);
  }

  private readonly onData = (chunk: string): void => {
    this.buffer += chunk;
    let i: number;
    while ((i = this.buffer.indexOf("\n")) >= 0) {
      this.lines.push(this.buffer.slice(0, i).replace(/\r$/, ""));
      this.buffer = this.buffer.slice(i + 1);
    }
    this.wake();
  };

  private readonly onError = (e: Error): void => {
    this.failure ??= e;
    this.wake();
  };

  private readonly onClose = (): void => {
    this.failure ??= new SmtpError("the server closed the connection");
    this.wake();
  };

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** The next complete reply. */
  async read(): Promise<SmtpReply> {
    const deadline = Date.now() + this.timeoutMs;
    const collected: string[] = [];
    for (;;) {
      while (this.lines.length > 0) {
        const line = this.lines.shift()!;
        const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
        if (!m)
          throw new SmtpError(
            `the server sent a line that is not an SMTP reply: ${JSON.stringify(line.slice(0, 80))}`,
          );
        collected.push(m[3]);
        if (m[2] !== "-") return { code: Number(m[1]), lines: collected };
      }
      if (this.failure !== undefined) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new SmtpError(
          `no reply from ${this.options.host}:${this.options.port} within ${this.timeoutMs / 1000} s`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Sends one command line and reads the reply. `shown` replaces the line in errors (for AUTH). */
  async command(line: string): Promise<SmtpReply> {
    if (this.failure !== undefined) throw this.failure;
    this.socket.write(`${line}\r\n`);
    return this.read();
  }

  async ehlo(name: string): Promise<{ reply: SmtpReply; capabilities: Capabilities }> {
    const reply = await this.command(`EHLO ${name}`);
    if (reply.code !== 250) throw new SmtpError(`EHLO was answered ${replyText(reply)}`, reply);
    return { reply, capabilities: parseEhlo(reply) };
  }

  /** STARTTLS and the handshake; the caller judges the certificate before going on. */
  async startTls(): Promise<CertificateInfo> {
    const reply = await this.command("STARTTLS");
    if (reply.code !== 220) throw new SmtpError(`STARTTLS was answered ${replyText(reply)}`, reply);
    const plain = this.socket;
    this.detach(plain);
    const secure = await settle(
      tls.connect({
        socket: plain,
        host: this.options.host,
        servername: net.isIP(this.options.host) ? undefined : this.options.host,
        ca: this.options.ca,
        rejectUnauthorized: false,
      }),
      "secureConnect",
      this.timeoutMs,
      `no TLS handshake with ${this.options.host}:${this.options.port} within ${this.timeoutMs / 1000} s`,
    );
    this.socket = secure;
    this.buffer = "";
    this.lines = [];
    this.attach(secure);
    return certificateInfo(secure, this.options.host);
  }

  /** AUTH PLAIN (or LOGIN when PLAIN is not offered); resolves to the final reply, 235 on success. */
  async authenticate(username: string, password: string, mechanisms: string[]): Promise<SmtpReply> {
    const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
    if (mechanisms.includes("PLAIN") || !mechanisms.includes("LOGIN")) {
      return this.command(`AUTH PLAIN ${b64(`\u0000${username}\u0000${password}`)}`);
    }
    const first = await this.command("AUTH LOGIN");
    if (first.code !== 334) return first;
    const second = await this.command(b64(username));
    if (second.code !== 334) return second;
    return this.command(b64(password));
  }

  /** MAIL, RCPT, DATA: resolves to the reply after the message, 250 when accepted. */
  async send(from: string, to: string, message: string): Promise<SmtpReply> {
    const mail = await this.command(`MAIL FROM:<${from}>`);
    if (mail.code !== 250) return mail;
    const rcpt = await this.command(`RCPT TO:<${to}>`);
    if (rcpt.code !== 250 && rcpt.code !== 251) return rcpt;
    const data = await this.command("DATA");
    if (data.code !== 354) return data;
    const body = message
      .replace(/\r?\n/g, "\r\n")
      .split("\r\n")
      .map((l) => (l.startsWith(".") ? `.${l}` : l))
      .join("\r\n");
    return this.command(`${body}\r\n.`);
  }

  /** QUIT politely when the connection still works, then close it. */
  async quit(): Promise<void> {
    if (this.failure === undefined) {
      try {
        this.socket.write("QUIT\r\n");
        await Promise.race([
          this.read(),
          new Promise((resolve) => setTimeout(resolve, 2000).unref()),
        ]);
      } catch {
        // The session is over either way.
      }
    }
    this.close();
  }

  close(): void {
    this.failure ??= new SmtpError("the session is closed");
    this.socket.destroy();
  }
}

/**
 * Resolves with `socket` once it emits `event`; rejects on its first error, or after `ms` (then the
 * socket is destroyed, so nothing is left connecting).
 */
function settle<T extends net.Socket>(
  socket: T,
  event: string,
  ms: number,
  message: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SmtpError(message));
    }, ms);
    socket.once(event, () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (e: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(e);
    });
  });
}
