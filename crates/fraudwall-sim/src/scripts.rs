//! Fraud SMS scripts per fraud type, written for this project (no corpus was copied), and the
//! obfuscations fraudsters use to slip past keyword filters: spaces and symbols between
//! characters, homoglyphs and look-alike words, full-width digits, broken-up links.
//!
//! Placeholders: `{L}` the gang's link, `{N}` a contact number or chat id, `{A}` an amount,
//! `{C}` an app's name, `{B}` a boss's or relative's form of address.

use std::collections::HashSet;

use crate::rng::Rng;
use crate::types::FraudType;

pub fn scripts(t: FraudType) -> &'static [&'static str] {
    match t {
        FraudType::ImpersonatePolice => &[
            "【公安提醒】您的身份信息涉嫌一起洗钱案件，已被列入协查名单，请立即致电{N}配合调查，否则将冻结名下所有账户。",
            "您好，这里是市公安局经侦支队，您名下一张银行卡涉嫌非法洗钱，请于今日内登录{L}核验资金，逾期将依法冻结。",
            "【法院通知】您有一份传票未签收，请尽快查看{L}，逾期未处理将强制执行，咨询{N}。",
        ],
        FraudType::FakeCustomerService => &[
            "【淘宝客服】亲，您购买的商品因质检不合格需办理退款，退款金额{A}元，请点击{L}填写收款信息。",
            "【快递理赔】您的快件在运输中丢失，我司将三倍赔付，请添加客服{N}办理理赔手续。",
            "尊敬的用户，您开通的百万保障服务将于今日到期自动扣费{A}元/月，如需取消请联系{N}。",
            "【直播平台客服】您已被误开通会员，每月将扣费{A}元，关闭请访问{L}",
        ],
        FraudType::ImpersonateBoss => &[
            "我是{B}，这是我新的号码，你先存一下，明天上午来我办公室一趟。",
            "我是{B}，在开会不方便接电话，有一笔合同款{A}元要马上付给对方，账户我发你，办好了跟我说。",
            "我是{B}，你加我QQ {N}，有急事交代，别声张。",
            "妈，我手机掉水里了，用同学手机发的，急需交资料费{A}元，你先转给老师，老师电话{N}。",
        ],
        FraudType::FakeLoan => &[
            "【惠民贷】您的信用良好，已获得{A}元贷款额度，无抵押秒到账，点击{L}立即领取。",
            "您的征信存在逾期记录，影响房贷车贷，我司可内部修复征信，咨询{N}。",
            "急用钱？黑户白户均可下款，最高20万，下载{C}三分钟审批，{L}",
        ],
        FraudType::TaskBrushing => &[
            "【兼职】在家用手机做任务，点赞关注一单3元，日结200-500，学生宝妈优先，加{N}了解。",
            "招聘刷单员，动动手指就赚钱，垫付返佣金15%，下载{C}，链接{L}",
            "您好，某电商平台招募线上评价员，每天1小时，日赚300+，详情{L}",
            "恭喜您通过兼职审核，首单即返{A}元，按导师指引操作，入口{L}",
        ],
        FraudType::PigButchering => &[
            "哥，今天导师推荐的那个平台又涨了，我昨天投的{A}已经翻倍了，你也试试{L}",
            "亲爱的，我舅舅在交易所内部，这几天有个数字货币窗口期，稳赚不赔，平台{L}，邀请码{N}",
            "【财富俱乐部】恭喜您入选VIP投资群，老师每日免费带单，收益率30%以上，入群加{N}",
        ],
        FraudType::OnlineGambling => &[
            "首充送88%，真人百家乐电子游艺天天返水，官网{L}",
            "体育赛事竞猜，注册即送{A}元彩金，提款秒到账，下载{C}",
        ],
        FraudType::Sextortion => &[
            "寂寞吗？同城美女一对一视频聊天，下载{C}，邀请码{N}",
            "你的视频我们已经录下来了，不想发给你通讯录里所有人，就转{A}元到指定账户，联系{N}。",
        ],
        FraudType::FakeShopping => &[
            "【特价清仓】新款手机内部渠道价2999元，全新正品，仅限今日，下单{L}",
            "名酒原箱直供，999元一瓶，先到先得，订购{L}",
        ],
        FraudType::GameTrading => &[
            "出售满皮肤游戏账号，低价转让，交易请到{L}，平台担保安全",
            "游戏代充五折，648只要300，加QQ {N}",
        ],
        FraudType::OverseasRecruitment => &[
            "【高薪招聘】东南亚客服岗，月薪3万起，包吃住包机票，无需经验，联系{N}",
            "境外游戏公司招打字员，月入2万，护照代办，{L}",
        ],
        FraudType::ElderlyCare => &[
            "【康养中心】老人入住养老公寓，预存{A}元享终身养老，年返息12%，详询{N}",
            "尊敬的老年朋友，本周六免费体检送鸡蛋，现场讲解养老项目，报名电话{N}",
            "养老补贴发放中，缴纳{A}元手续费即可领取，办理{L}",
        ],
        FraudType::Other => &[
            "恭喜您的号码被抽中为幸运用户，奖品为笔记本电脑一台，领取请访问{L}",
            "【ETC】您的ETC认证已失效，请点击{L}重新认证，以免影响通行。",
        ],
    }
}

/// Words of the gang's domains, per type.
pub fn domain_words(t: FraudType) -> &'static [&'static str] {
    match t {
        FraudType::ImpersonatePolice => &["gaj-check", "ga-safe", "fy-court", "jcy-hc", "zfqc"],
        FraudType::FakeCustomerService => {
            &["tb-refund", "kefu", "jd-tuikuan", "zb-service", "lipei"]
        }
        FraudType::ImpersonateBoss => &["oa-office", "cw-notice"],
        FraudType::FakeLoan => &["hmdai", "jiekuan", "yidai", "xinyong", "kuaidai"],
        FraudType::TaskBrushing => &["dianzan", "renwu", "jianzhi", "pingjia", "shuadan"],
        FraudType::PigButchering => &["btc-ex", "licai", "wealth", "coinpro", "jinrong"],
        FraudType::OnlineGambling => &["pj88", "amxpj", "ty-sport", "bjl", "yule"],
        FraudType::Sextortion => &["tcyl", "liaotian", "yuehui"],
        FraudType::FakeShopping => &["temai", "qingcang", "mall-vip", "haohuo"],
        FraudType::GameTrading => &["zh-trade", "yx-jy", "daichong"],
        FraudType::OverseasRecruitment => &["jobs-asia", "gaoxin", "haiwai"],
        FraudType::ElderlyCare => &["kangyang", "yanglao", "shouxing"],
        FraudType::Other => &["etc-renzheng", "lucky", "choujiang"],
    }
}

pub static TLDS: &[&str] = &[
    "top", "xyz", "cc", "vip", "icu", "club", "shop", "com", "net", "cn", "online",
];

static PATHS: &[&str] = &[
    "",
    "h5/",
    "m/index.html",
    "download",
    "kefu",
    "login",
    "reg",
];

/// An app's display name, per type.
pub fn app_names(t: FraudType) -> &'static [&'static str] {
    match t {
        FraudType::FakeLoan => &["惠民贷", "闪电借", "安心花"],
        FraudType::TaskBrushing => &["任务宝", "点点赚", "悦享兼职"],
        FraudType::PigButchering => &["汇鑫国际", "金沙财富", "CoinPro"],
        FraudType::OnlineGambling => &["皇冠体育", "葡京娱乐"],
        FraudType::Sextortion => &["蜜聊", "同城约"],
        FraudType::ImpersonatePolice => &["安全防护", "云会议"],
        FraudType::FakeCustomerService => &["云会议", "屏幕共享助手"],
        _ => &["助手"],
    }
}

static APP_WORDS: &[&str] = &[
    "hxjr", "ylcf", "jfx", "xinhe", "dongfang", "yunding", "jinsha", "huaxia", "tianfu",
    "zhongxin", "haoyun", "fuli", "kuaile", "boda",
];

fn app_suffix(t: FraudType) -> &'static str {
    match t {
        FraudType::FakeLoan => "dai",
        FraudType::TaskBrushing => "renwu",
        FraudType::PigButchering => "licai",
        FraudType::OnlineGambling => "game",
        FraudType::Sextortion => "chat",
        FraudType::ImpersonatePolice => "safe",
        FraudType::FakeCustomerService => "meeting",
        _ => "app",
    }
}

fn alnum(rng: &mut Rng, n: usize) -> String {
    const A: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    (0..n)
        .map(|_| A[rng.below(A.len() as u64) as usize] as char)
        .collect()
}

/// A new domain for a gang of type `t`, not in `taken`.
pub fn domain(rng: &mut Rng, t: FraudType, taken: &mut HashSet<String>) -> String {
    loop {
        let word = rng.pick(domain_words(t));
        let tld = rng.pick(TLDS);
        let domain = format!("{word}{}.{tld}", alnum(rng, 3));
        if taken.insert(domain.clone()) {
            return domain;
        }
    }
}

/// A new package name for a gang of type `t`, not in `taken`.
pub fn app_package(rng: &mut Rng, t: FraudType, taken: &mut HashSet<String>) -> String {
    loop {
        let word = rng.pick(APP_WORDS);
        let tail: String = (0..rng.below(3))
            .map(|_| (b'a' + rng.below(26) as u8) as char)
            .collect();
        let package = format!("com.{word}{tail}.{}", app_suffix(t));
        if taken.insert(package.clone()) {
            return package;
        }
    }
}

pub fn link(rng: &mut Rng, domain: &str) -> String {
    let path = rng.pick(PATHS);
    if *path == "reg" {
        format!("https://{domain}/reg?code={}", alnum(rng, 6))
    } else {
        format!("https://{domain}/{path}")
    }
}

/// What a script's placeholders are filled with.
#[derive(Debug, Clone)]
pub struct Fill<'a> {
    pub link: &'a str,
    pub number: &'a str,
    pub amount: u64,
    pub app: &'a str,
    pub boss: &'a str,
}

/// How hard a gang works to slip past filters: 0 none, 1 some, 2 heavy.
pub fn render(rng: &mut Rng, template: &str, fill: &Fill<'_>, obfuscation: u8) -> String {
    let amount = fill.amount.to_string();
    let mut link = fill.link.to_owned();
    let mut number = fill.number.to_owned();
    if obfuscation > 0 && rng.chance(0.5) {
        link = break_link(rng, &link);
    }
    if obfuscation > 0 && rng.chance(0.5) {
        number = full_width_digits(&number);
    }
    let text = template
        .replace("{L}", &link)
        .replace("{N}", &number)
        .replace("{A}", &amount)
        .replace("{C}", fill.app)
        .replace("{B}", fill.boss);
    match obfuscation {
        0 => text,
        1 => {
            if rng.chance(0.5) {
                homoglyphs(rng, &text)
            } else {
                text
            }
        }
        _ => {
            let swapped = homoglyphs(rng, &text);
            interleave(rng, &swapped)
        }
    }
}

/// Look-alike words and characters that keep the meaning for a reader.
static SWAPS: &[(&str, &str)] = &[
    ("微信", "薇信"),
    ("微信", "V信"),
    ("刷单", "刷 单"),
    ("兼职", "兼 职"),
    ("贷款", "带款"),
    ("下款", "下kuan"),
    ("百家乐", "百家楽"),
    ("彩金", "菜金"),
    ("返利", "反利"),
    ("银行卡", "银彳亍卡"),
    ("账户", "账戸"),
    ("QQ", "扣扣"),
    ("加", "+"),
    ("冻结", "冻洁"),
    ("日结", "日jie"),
];

pub fn homoglyphs(rng: &mut Rng, text: &str) -> String {
    let mut out = text.to_owned();
    for (from, to) in SWAPS {
        if out.contains(from) && rng.chance(0.6) {
            out = out.replacen(from, to, 1);
        }
    }
    out
}

/// Symbols between some Chinese characters: `刷*单` `日.结`.
pub fn interleave(rng: &mut Rng, text: &str) -> String {
    const SYMBOLS: &[char] = &[' ', '*', '.', '/', '丨', '~'];
    let mut out = String::with_capacity(text.len() * 2);
    let mut in_link = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == ':' || c == '/' {
            in_link = in_link || c == ':';
        } else if c.is_whitespace() {
            in_link = false;
        }
        out.push(c);
        if !in_link && !c.is_ascii() && rng.chance(0.12) {
            out.push(*rng.pick(SYMBOLS));
        }
    }
    out
}

pub fn full_width_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0xff10).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// `https://a.top/x` → `a。top/x` or `a . top/x` or `https://a[.]top/x`.
pub fn break_link(rng: &mut Rng, link: &str) -> String {
    let bare = link.trim_start_matches("https://");
    match rng.below(3) {
        0 => bare.replacen('.', "。", 1),
        1 => bare.replacen('.', " . ", 1),
        _ => link.replacen('.', "[.]", 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::FRAUD_TYPES;

    #[test]
    fn every_type_has_scripts_that_carry_the_gangs_identifiers() {
        let mut rng = Rng::derive(5, 0, 0, 0);
        for t in FRAUD_TYPES {
            assert!(!scripts(t).is_empty());
            for s in scripts(t) {
                assert!(
                    s.contains("{L}")
                        || s.contains("{N}")
                        || s.contains("{C}")
                        || s.contains("{B}"),
                    "{s}"
                );
                let fill = Fill {
                    link: "https://renwu3x1.top/h5/",
                    number: "+8617012345678",
                    amount: 3000,
                    app: "任务宝",
                    boss: "王总",
                };
                let text = render(&mut rng, s, &fill, 0);
                assert!(!text.contains('{'), "{text}");
            }
        }
    }

    #[test]
    fn obfuscations_keep_the_text_readable() {
        assert_eq!(full_width_digits("+86170"), "+８６１７０");
        let mut rng = Rng::derive(9, 0, 0, 0);
        let text = interleave(&mut rng, "在家用手机做任务日结200");
        assert!(text.chars().filter(|c| !c.is_ascii() && *c != '丨').count() >= 9);
        let broken = break_link(&mut rng, "https://renwu.top/h5/");
        assert_ne!(broken, "https://renwu.top/h5/");
    }
}
