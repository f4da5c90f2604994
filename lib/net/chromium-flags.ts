/**
 * Flags of the Chromium package that weaken the browser's own protections: same-origin checks
 * and mixed-content blocking. A page must not get powers a normal browser would not give it.
 */
export const UNSAFE_CHROMIUM_FLAGS = ['--disable-web-security', '--allow-running-insecure-content'];

/** The launch flags without the unsafe ones. */
export function withoutUnsafeFlags(args: readonly string[]): string[] {
  return args.filter((arg) => !UNSAFE_CHROMIUM_FLAGS.includes(arg.split('=')[0]));
}

/**
 * Flags that send all of a browser's traffic through the egress proxy. Without the bypass rule
 * `<-loopback>`, Chromium would reach localhost and 127.0.0.1 directly; WebRTC is kept off raw
 * UDP and QUIC is off, because neither goes through an HTTP proxy.
 */
export function chromiumProxyArgs(proxyUrl: string): string[] {
  return [
    `--proxy-server=${proxyUrl}`,
    '--proxy-bypass-list=<-loopback>',
    '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
    '--disable-quic',
  ];
}
