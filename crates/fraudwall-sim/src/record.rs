//! Activity records in a compact form, and their NDJSON lines in the `POST /v1/events` record
//! format, written by hand (no allocation per record).

use crate::calendar::{Stamp, Time};
use crate::ids::{Num, write_amount, write_num, write_u64};
use crate::legit;

#[derive(Debug, Clone)]
pub enum Text {
    /// A legitimate notification: index into `legit::NOTIFICATIONS`, and its parameters.
    Notice {
        template: u16,
        a: u64,
        b: u64,
    },
    /// A personal message: index into `legit::PERSONAL`.
    Personal(u16),
    /// A work message to a stranger: index into `legit::WORK`.
    Work(u16),
    Owned(Box<str>),
}

#[derive(Debug, Clone)]
pub enum Url {
    /// A popular site: indices into `legit::SITES` and its paths, and an id.
    Site {
        site: u16,
        path: u8,
        id: u64,
    },
    /// A small shop: index into `legit::SMALL_SITES`.
    Small {
        site: u16,
        id: u64,
    },
    Owned(Box<str>),
}

#[derive(Debug, Clone)]
pub enum Package {
    Common(u16),
    Owned(Box<str>),
}

#[derive(Debug, Clone)]
pub enum Rec {
    Call {
        caller: Num,
        callee: Num,
        duration: u32,
    },
    Sms {
        sender: Num,
        recipient: Num,
        text: Text,
    },
    Visit {
        subscriber: Num,
        url: Url,
    },
    App {
        subscriber: Num,
        package: Package,
    },
    Transfer {
        from: u64,
        to: u64,
        cents: u64,
        /// 0: not known.
        from_phone: Num,
        to_phone: Num,
    },
}

/// The kinds of records, in the order counts are reported.
pub const KINDS: [&str; 5] = [
    "call_record",
    "sms_record",
    "visit",
    "app_install",
    "transfer_record",
];

impl Rec {
    pub fn kind_index(&self) -> usize {
        match self {
            Rec::Call { .. } => 0,
            Rec::Sms { .. } => 1,
            Rec::Visit { .. } => 2,
            Rec::App { .. } => 3,
            Rec::Transfer { .. } => 4,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Timed {
    pub t: Time,
    pub rec: Rec,
}

/// Appends `s` as a JSON string.
pub fn write_json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut from = 0;
    for (i, &c) in bytes.iter().enumerate() {
        let escape: Option<&[u8]> = match c {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            0..=0x1f => None,
            _ => continue,
        };
        out.extend_from_slice(&bytes[from..i]);
        from = i + 1;
        match escape {
            Some(e) => out.extend_from_slice(e),
            None => {
                out.extend_from_slice(b"\\u00");
                out.push(b"0123456789abcdef"[(c >> 4) as usize]);
                out.push(b"0123456789abcdef"[(c & 15) as usize]);
            }
        }
    }
    out.extend_from_slice(&bytes[from..]);
    out.push(b'"');
}

/// Appends one NDJSON line.
pub fn write_line(out: &mut Vec<u8>, clock: &Stamp, r: &Timed) {
    match &r.rec {
        Rec::Call {
            caller,
            callee,
            duration,
        } => {
            out.extend_from_slice(b"{\"kind\":\"call_record\",\"caller\":\"");
            write_num(out, *caller);
            out.extend_from_slice(b"\",\"callee\":\"");
            write_num(out, *callee);
            out.extend_from_slice(b"\",\"start\":\"");
            clock.write(out, r.t);
            out.extend_from_slice(b"\",\"duration_s\":");
            write_u64(out, u64::from(*duration));
            out.extend_from_slice(b"}\n");
        }
        Rec::Sms {
            sender,
            recipient,
            text,
        } => {
            out.extend_from_slice(b"{\"kind\":\"sms_record\",\"sender\":\"");
            write_num(out, *sender);
            out.extend_from_slice(b"\",\"recipient\":\"");
            write_num(out, *recipient);
            out.extend_from_slice(b"\",\"time\":\"");
            clock.write(out, r.t);
            out.extend_from_slice(b"\",\"text\":");
            match text {
                Text::Notice { template, a, b } => {
                    out.push(b'"');
                    legit::render(out, legit::NOTIFICATIONS[*template as usize].2, *a, *b, r.t);
                    out.push(b'"');
                }
                Text::Personal(i) => write_json_str(out, legit::PERSONAL[*i as usize]),
                Text::Work(i) => write_json_str(out, legit::WORK[*i as usize]),
                Text::Owned(s) => write_json_str(out, s),
            }
            out.extend_from_slice(b"}\n");
        }
        Rec::Visit { subscriber, url } => {
            out.extend_from_slice(b"{\"kind\":\"visit\",\"subscriber\":\"");
            write_num(out, *subscriber);
            out.extend_from_slice(b"\",\"url\":");
            match url {
                Url::Site { site, path, id } => {
                    let (host, paths) = legit::SITES[*site as usize];
                    out.extend_from_slice(b"\"https://");
                    out.extend_from_slice(host.as_bytes());
                    out.push(b'/');
                    out.extend_from_slice(paths[*path as usize].as_bytes());
                    write_u64(out, *id);
                    out.push(b'"');
                }
                Url::Small { site, id } => {
                    out.extend_from_slice(b"\"https://");
                    out.extend_from_slice(legit::SMALL_SITES[*site as usize].as_bytes());
                    out.extend_from_slice(b"/item/");
                    write_u64(out, *id);
                    out.push(b'"');
                }
                Url::Owned(s) => write_json_str(out, s),
            }
            out.extend_from_slice(b",\"time\":\"");
            clock.write(out, r.t);
            out.extend_from_slice(b"\"}\n");
        }
        Rec::App {
            subscriber,
            package,
        } => {
            out.extend_from_slice(b"{\"kind\":\"app_install\",\"subscriber\":\"");
            write_num(out, *subscriber);
            out.extend_from_slice(b"\",\"package\":");
            match package {
                Package::Common(i) => write_json_str(out, legit::APPS[*i as usize].0),
                Package::Owned(s) => write_json_str(out, s),
            }
            out.extend_from_slice(b",\"time\":\"");
            clock.write(out, r.t);
            out.extend_from_slice(b"\"}\n");
        }
        Rec::Transfer {
            from,
            to,
            cents,
            from_phone,
            to_phone,
        } => {
            out.extend_from_slice(b"{\"kind\":\"transfer_record\",\"from_account\":\"");
            write_u64(out, *from);
            out.extend_from_slice(b"\",\"to_account\":\"");
            write_u64(out, *to);
            out.extend_from_slice(b"\",\"amount\":");
            write_amount(out, *cents);
            out.extend_from_slice(b",\"currency\":\"CNY\",\"time\":\"");
            clock.write(out, r.t);
            out.push(b'"');
            if *from_phone != 0 {
                out.extend_from_slice(b",\"from_phone\":\"");
                write_num(out, *from_phone);
                out.push(b'"');
            }
            if *to_phone != 0 {
                out.extend_from_slice(b",\"to_phone\":\"");
                write_num(out, *to_phone);
                out.push(b'"');
            }
            out.extend_from_slice(b"}\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::cn;

    fn line(rec: Rec) -> serde_json::Value {
        let clock = crate::calendar::Clock::new("2026-03-02".parse().unwrap()).stamp(0);
        let mut out = Vec::new();
        write_line(&mut out, &clock, &Timed { t: 3661, rec });
        assert_eq!(out.last(), Some(&b'\n'));
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn lines_are_the_events_record_format() {
        let v = line(Rec::Call {
            caller: cn(13800138000),
            callee: cn(13900139000),
            duration: 42,
        });
        assert_eq!(v["kind"], "call_record");
        assert_eq!(v["caller"], "+8613800138000");
        assert_eq!(v["start"], "2026-03-02T01:01:01+08:00");
        assert_eq!(v["duration_s"], 42);
        let v = line(Rec::Sms {
            sender: cn(13800138000),
            recipient: cn(13900139000),
            text: Text::Owned("a \"quoted\"\n\u{1}text".into()),
        });
        assert_eq!(v["text"], "a \"quoted\"\n\u{1}text");
        let v = line(Rec::Transfer {
            from: 6222021234567890123,
            to: 6217001234567890123,
            cents: 1_000_050,
            from_phone: cn(13800138000),
            to_phone: 0,
        });
        assert_eq!(v["amount"], 10000.5);
        assert_eq!(v["currency"], "CNY");
        assert!(v.get("to_phone").is_none());
        let v = line(Rec::Visit {
            subscriber: cn(13800138000),
            url: Url::Site {
                site: 0,
                path: 0,
                id: 7,
            },
        });
        assert_eq!(v["url"], "https://www.baidu.com/s?wd=7");
        let v = line(Rec::App {
            subscriber: cn(13800138000),
            package: Package::Common(0),
        });
        assert_eq!(v["package"], "com.tencent.mm");
    }
}
