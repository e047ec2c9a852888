// The string formats the apiextensions-apiserver checks (kube-openapi's strfmt registry). Numeric
// formats (int32, int64, float, double) are documentation there: the apiserver does not range-check
// them, so neither do we. Unknown formats pass, as they do upstream.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*\.?$/;
const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const MAC = /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$/;

function isIPv6(s: string): boolean {
  if (!s.includes(":")) return false;
  try {
    new URL(`http://[${s}]/`);
    return true;
  } catch {
    return false;
  }
}

function isUri(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return /^[^\s]*$/.test(s) && s.length > 0;
  }
}

const CHECKS: Record<string, (s: string) => boolean> = {
  uuid: (s) => UUID.test(s),
  uuid3: (s) => UUID.test(s) && s[14] === "3",
  uuid4: (s) => UUID.test(s) && s[14] === "4",
  uuid5: (s) => UUID.test(s) && s[14] === "5",
  date: (s) => DATE.test(s),
  "date-time": (s) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s.replace(" ", "T"))),
  datetime: (s) => DATE_TIME.test(s),
  hostname: (s) => HOSTNAME.test(s),
  ipv4: (s) => IPV4.test(s),
  ipv6: isIPv6,
  cidr: (s) => {
    const [ip, bits, extra] = s.split("/");
    if (ip === undefined || bits === undefined || extra !== undefined || !/^\d+$/.test(bits)) return false;
    return IPV4.test(ip) ? Number(bits) <= 32 : isIPv6(ip) && Number(bits) <= 128;
  },
  mac: (s) => MAC.test(s),
  byte: (s) => BASE64.test(s),
  email: (s) => EMAIL.test(s),
  uri: isUri,
  duration: (s) => DURATION.test(s),
};

/** False when `format` is one the apiserver checks and `value` does not satisfy it. */
export function matchesFormat(format: string, value: string): boolean {
  const check = CHECKS[format];
  return check === undefined || check(value);
}
