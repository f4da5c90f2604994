/**
 * Targets the network rules must refuse by default, one per form a caller or a page could use to
 * reach a non-public address. `resolves` is what a name answers in the test's own resolver, so
 * no name is ever looked up outside this machine.
 */
export interface BlockedTarget {
  url: string;
  /** The host the refusal must name. */
  host: string;
  resolves?: string[];
}

const literal = (url: string, host: string): BlockedTarget => ({ url, host });
const named = (url: string, host: string, resolves: string[]): BlockedTarget => ({
  url,
  host,
  resolves,
});

export const BLOCKED_TARGETS: BlockedTarget[] = [
  // IPv4 loopback, including the numeric spellings browsers accept
  literal('http://127.0.0.1/', '127.0.0.1'),
  literal('http://127.255.255.254:8080/', '127.255.255.254'),
  literal('http://2130706433/', '127.0.0.1'),
  literal('http://0x7f000001/', '127.0.0.1'),
  literal('http://0177.0.0.1/', '127.0.0.1'),
  literal('http://0x7f.1/', '127.0.0.1'),
  literal('http://127.1/', '127.0.0.1'),
  literal('http://127.0.0.1./', '127.0.0.1'),
  literal('http://127.0.0.1%2e/', '127.0.0.1'),
  // unspecified
  literal('http://0.0.0.0/', '0.0.0.0'),
  literal('http://0/', '0.0.0.0'),
  // RFC 1918
  literal('http://10.0.0.1/', '10.0.0.1'),
  literal('https://10.255.255.255:8443/', '10.255.255.255'),
  literal('http://172.16.0.1/', '172.16.0.1'),
  literal('http://172.31.255.255/', '172.31.255.255'),
  literal('http://192.168.1.1/', '192.168.1.1'),
  literal('http://3232235777/', '192.168.1.1'),
  // link-local and cloud metadata
  literal('http://169.254.169.254/latest/meta-data/', '169.254.169.254'),
  literal('http://169.254.0.1/', '169.254.0.1'),
  literal('http://169.254.170.2/v2/credentials', '169.254.170.2'),
  literal('http://0xa9fea9fe/', '169.254.169.254'),
  literal('http://168.63.129.16/', '168.63.129.16'),
  // carrier-grade NAT
  literal('http://100.64.0.1/', '100.64.0.1'),
  literal('http://100.127.255.254/', '100.127.255.254'),
  literal('http://100.100.100.200/', '100.100.100.200'),
  // multicast, broadcast, reserved
  literal('http://224.0.0.1/', '224.0.0.1'),
  literal('http://239.255.255.250:1900/', '239.255.255.250'),
  literal('http://255.255.255.255/', '255.255.255.255'),
  literal('http://240.0.0.1/', '240.0.0.1'),
  literal('http://192.0.0.8/', '192.0.0.8'),
  literal('http://192.88.99.1/', '192.88.99.1'),
  // benchmarking and documentation
  literal('http://198.18.0.1/', '198.18.0.1'),
  literal('http://198.19.255.255/', '198.19.255.255'),
  literal('http://192.0.2.1/', '192.0.2.1'),
  literal('http://198.51.100.7/', '198.51.100.7'),
  literal('http://203.0.113.9/', '203.0.113.9'),
  // IPv6 loopback, unspecified, and IPv4 forms inside IPv6
  literal('http://[::1]/', '::1'),
  literal('http://[0:0:0:0:0:0:0:1]:8080/', '::1'),
  literal('http://[::]/', '::'),
  literal('http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'),
  literal('http://[::ffff:7f00:1]/', '::ffff:7f00:1'),
  literal('http://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe'),
  literal('http://[::ffff:10.0.0.1]/', '::ffff:a00:1'),
  literal('http://[::127.0.0.1]/', '::7f00:1'),
  literal('http://[::10.0.0.1]/', '::a00:1'),
  literal('http://[64:ff9b::127.0.0.1]/', '64:ff9b::7f00:1'),
  literal('http://[64:ff9b::a9fe:a9fe]/', '64:ff9b::a9fe:a9fe'),
  literal('http://[2002:7f00:1::]/', '2002:7f00:1::'),
  literal('http://[2002:a9fe:a9fe::1]/', '2002:a9fe:a9fe::1'),
  literal('http://[::ffff:0:7f00:1]/', '::ffff:0:7f00:1'),
  // IPv6 special ranges
  literal('http://[fd00:ec2::254]/latest/meta-data/', 'fd00:ec2::254'),
  literal('http://[fc00::1]/', 'fc00::1'),
  literal('http://[fd12:3456::1]/', 'fd12:3456::1'),
  literal('http://[fe80::1]/', 'fe80::1'),
  literal('http://[febf::1]/', 'febf::1'),
  literal('http://[fec0::1]/', 'fec0::1'),
  literal('http://[ff02::1]/', 'ff02::1'),
  literal('http://[ff05::1:3]/', 'ff05::1:3'),
  literal('http://[2001:db8::1]/', '2001:db8::1'),
  literal('http://[3fff::1]/', '3fff::1'),
  literal('http://[2001:2::1]/', '2001:2::1'),
  literal('http://[2001::1]/', '2001::1'),
  literal('http://[100::1]/', '100::1'),
  literal('http://[64:ff9b:1::1]/', '64:ff9b:1::1'),
  literal('http://[5f00::1]/', '5f00::1'),
  // names, checked by what they resolve to
  named('http://localhost/', 'localhost', ['127.0.0.1', '::1']),
  named('http://localhost./', 'localhost', ['127.0.0.1']),
  named('http://LOCALHOST:8080/', 'localhost', ['127.0.0.1']),
  named('http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/', 'localhost', ['127.0.0.1']),
  named('http://%6c%6fcalhost/', 'localhost', ['127.0.0.1']),
  named('http://metadata.google.internal/', 'metadata.google.internal', ['169.254.169.254']),
  named('http://bücher.test/', 'xn--bcher-kva.test', ['10.1.1.1']),
  named('http://127.0.0.1.nip.test/', '127.0.0.1.nip.test', ['127.0.0.1']),
  named('http://mixed.test/', 'mixed.test', ['93.184.216.34', '10.0.0.1']),
  named('http://v6only.test/', 'v6only.test', ['2606:4700::1', 'fd00::1']),
  named('http://mapped.test/', 'mapped.test', ['::ffff:192.168.0.1']),
  named('ws://socket.test/', 'socket.test', ['127.0.0.1']),
];
