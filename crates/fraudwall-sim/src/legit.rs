//! Legitimate traffic: banks' and operators' notifications, verification codes, couriers,
//! marketing with links, anti-fraud reminders (which talk about fraud and are not fraud),
//! personal messages, web sites and apps.
//!
//! A template's text carries markers rendered when the record is written, so an ordinary SMS
//! costs no allocation: `\x01` four digits (a card's tail, a pickup code), `\x02` an amount,
//! `\x03` a six-digit code, `\x04` a short-link token, `\x05` the time of day.

/// (sender, weight, text).
pub static NOTIFICATIONS: &[(u64, f64, &str)] = &[
    (
        95588,
        6.0,
        "【工商银行】您尾号\x01卡\x05支出(消费)\x02元，余额以实际为准。",
    ),
    (
        95533,
        5.0,
        "【建设银行】您尾号\x01的储蓄卡\x05收入人民币\x02元，活期余额请登录手机银行查询。",
    ),
    (
        95555,
        4.0,
        "【招商银行】您账户\x01于\x05转账汇款\x02元。如非本人操作，请致电95555。",
    ),
    (
        95599,
        4.0,
        "【农业银行】尊敬的客户，您尾号\x01账户\x05完成代付交易人民币\x02。",
    ),
    (
        95566,
        3.0,
        "【中国银行】您的借记卡账户\x01，于\x05网上支付\x02元，交易后余额请查询。",
    ),
    (
        95580,
        2.0,
        "【邮储银行】您尾号\x01账户\x05转入\x02元，详情请登录邮储银行App。",
    ),
    (
        95555,
        0.8,
        "【招商银行】尊敬的客户，您已获得信用卡临时额度提升资格，最高可提至\x02元，详询掌上生活App，拒收请回复R。",
    ),
    (
        95533,
        0.8,
        "【建设银行】快贷限时特惠，最高可贷30万元，年化利率低至3.45%，登录建行手机银行申请。拒收回复R",
    ),
    (
        95188,
        5.0,
        "【支付宝】验证码\x03，您正在进行身份验证，切勿将验证码告诉他人。",
    ),
    (
        1069000010,
        3.0,
        "【微信支付】验证码\x03，用于绑定银行卡，5分钟内有效。泄露验证码将导致账户被盗。",
    ),
    (
        12306,
        1.0,
        "【铁路12306】您的验证码为\x03，请勿向任何人泄露。",
    ),
    (
        10086,
        4.0,
        "【中国移动】尊敬的客户，截至\x05，您本月套餐内通用流量已使用80%，详情请登录中国移动App查询。",
    ),
    (
        10000,
        2.0,
        "【中国电信】您好，您的话费余额不足10元，为避免影响使用，请及时充值。",
    ),
    (
        10010,
        1.5,
        "【中国联通】尊敬的用户，您有一笔积分即将过期，可兑换话费，点击 u.10010.cn/\x04 查看。",
    ),
    (
        1069000021,
        6.0,
        "【菜鸟驿站】您的包裹已到驿站，凭取件码\x01到站领取，请于今日21:00前取件。",
    ),
    (
        95338,
        2.0,
        "【顺丰速运】您的快件正在派送中，快递员稍后与您联系，请保持电话畅通。",
    ),
    (
        1069000033,
        2.0,
        "【京东】您的订单已签收，如对商品有疑问可申请售后，感谢您的支持。",
    ),
    (
        1069000033,
        2.5,
        "【京东】年货节大促，满300减50，爆款低至5折，戳 3.cn/\x04 抢购，退订回T",
    ),
    (
        1069000045,
        2.5,
        "【淘宝】您关注的宝贝降价了！限时直降\x02元，点击 m.tb.cn/\x04 查看，回TD退订",
    ),
    (
        1069000057,
        2.0,
        "【美团】送您一张20元无门槛红包，今日有效，点击 dpurl.cn/\x04 领取，退订回T",
    ),
    (
        1069000069,
        1.5,
        "【拼多多】恭喜您获得百亿补贴资格，点击 mobile.yangkeduo.com/\x04 领取，回T退订",
    ),
    (
        95511,
        1.0,
        "【平安保险】尊敬的客户，您的保单即将到期，续保享8折优惠，详询95511。",
    ),
    (
        12381,
        1.5,
        "【国家反诈中心】提醒：凡是自称公检法要求转账到安全账户的都是诈骗！如接到可疑电话请拨打96110。",
    ),
    (
        12381,
        1.0,
        "【反诈提醒】刷单返利都是诈骗，网上兼职要求先垫付的都是诈骗，切勿点击陌生链接。",
    ),
    (
        1069000071,
        0.8,
        "【公司通知】您\x05工资已发放，实发\x02元，请注意查收。",
    ),
    (
        95366,
        0.5,
        "[HSBC] Your one-time passcode is \x03. Do not share it with anyone.",
    ),
    (
        1069000083,
        0.4,
        "[Apple] Your Apple ID code is: \x03. Don't share it with anyone.",
    ),
    (
        1069000095,
        0.3,
        "[DHL] Your parcel is out for delivery today. Track it at dhl.com/\x04",
    ),
    (
        95530,
        0.3,
        "[China Eastern] Flight MU5137 gate change: now gate 21. Boarding at \x05.",
    ),
];

/// Personal messages between contacts.
pub static PERSONAL: &[&str] = &[
    "到家了吗？",
    "晚上回来吃饭吗",
    "好的，收到",
    "明天几点见面？",
    "我到楼下了",
    "帮我取一下快递，谢谢",
    "妈，周末我回家",
    "会议改到下午三点",
    "收到，谢谢老板",
    "我换号了，这是我新号码，存一下",
    "路上堵车，晚点到",
    "钱已经转你了，查收一下",
    "孩子今天发烧了，我请个假",
    "ok see you later",
    "生日快乐！",
    "明天记得带身份证",
    "你看这个视频 https://v.douyin.com/iRk3aB2/",
    "这家店的拼团挺便宜 https://m.tb.cn/h.5Kq2xZ",
    "报名链接发你了：https://www.wjx.cn/vm/tu8Jx2.aspx",
];

/// Messages people send for work to people they do not know: couriers, sales staff, shops.
pub static WORK: &[&str] = &[
    "您好，我是快递员，您的快递已放门口，请及时查收",
    "您好，快递到了，家里有人吗？没人的话放驿站了",
    "您好，我是链家小王，近期有几套优质房源，方便的话回个电话",
    "新店开业，全场8折，地址：五一路88号，欢迎光临",
    "您好，您咨询的车险报价已出，加我微信详聊，谢谢",
    "老师您好，孩子这周的作业已发到班级群，请查收",
];

/// Popular sites (host, paths) for ordinary visits.
pub static SITES: &[(&str, &[&str])] = &[
    ("www.baidu.com", &["s?wd=", "link?url="]),
    ("m.baidu.com", &["s?word="]),
    ("www.qq.com", &["news/", "a/"]),
    ("news.qq.com", &["rain/a/"]),
    ("item.taobao.com", &["item.htm?id="]),
    ("item.jd.com", &[""]),
    ("www.zhihu.com", &["question/"]),
    ("weibo.com", &["u/", "detail/"]),
    ("www.bilibili.com", &["video/BV"]),
    ("www.douyin.com", &["video/"]),
    ("www.163.com", &["news/article/"]),
    ("www.sina.com.cn", &["news/"]),
    ("www.ctrip.com", &["hotels/"]),
    ("www.12306.cn", &["index/"]),
    ("www.icbc.com.cn", &["page/"]),
    ("www.ccb.com", &["cn/home/"]),
    ("www.fujian.gov.cn", &["zwgk/"]),
    ("www.gov.cn", &["zhengce/"]),
    ("mp.weixin.qq.com", &["s/"]),
    ("www.xiaohongshu.com", &["explore/"]),
];

/// Small legitimate shops and group-buy pages on young domains and cheap TLDs: innocent
/// look-alikes of fraud sites.
pub static SMALL_SITES: &[&str] = &[
    "xiaoyu-tuangou.shop",
    "minhou-fruit.top",
    "ahua-jiaju.vip",
    "chayeshop88.xyz",
    "jinjiang-xie.cc",
    "lianjia-tuan.club",
    "mama-baobei.shop",
    "laomao-haixian.top",
];

/// Common apps (Android package names).
pub static APPS: &[(&str, f64)] = &[
    ("com.tencent.mm", 2.0),
    ("com.eg.android.AlipayGphone", 2.0),
    ("com.ss.android.ugc.aweme", 2.0),
    ("com.taobao.taobao", 1.5),
    ("com.jingdong.app.mall", 1.2),
    ("com.sankuai.meituan", 1.2),
    ("com.xunmeng.pinduoduo", 1.5),
    ("tv.danmaku.bili", 1.0),
    ("com.xingin.xhs", 1.0),
    ("com.tencent.mobileqq", 1.0),
    ("com.icbc", 0.5),
    ("com.chinamworld.main", 0.5),
    ("cmb.pb", 0.5),
    ("com.hicorenational.antifraud", 0.8),
    ("com.autonavi.minimap", 0.8),
    ("com.smile.gifmaker", 1.0),
    ("com.kuaishou.nebula", 0.5),
    ("com.tencent.wemeet.app", 0.6),
];

/// Appends a template, rendering its markers from `a`, `b` (cents) and `seconds` of the day.
pub fn render(out: &mut Vec<u8>, template: &str, a: u64, b: u64, seconds: i64) {
    let bytes = template.as_bytes();
    let mut from = 0;
    for (i, &c) in bytes.iter().enumerate() {
        if (1..=5).contains(&c) {
            out.extend_from_slice(&bytes[from..i]);
            from = i + 1;
            match c {
                1 => pad(out, a % 10_000, 4),
                2 => crate::ids::write_amount(out, b),
                3 => pad(out, a % 1_000_000, 6),
                4 => token(out, a),
                _ => {
                    let s = seconds.rem_euclid(86_400);
                    pad(out, (s / 3600) as u64, 2);
                    out.push(b':');
                    pad(out, (s / 60 % 60) as u64, 2);
                }
            }
        }
    }
    out.extend_from_slice(&bytes[from..]);
}

fn pad(out: &mut Vec<u8>, v: u64, width: u32) {
    let mut p = 10u64.pow(width - 1);
    while p > 0 {
        out.push(b'0' + (v / p % 10) as u8);
        p /= 10;
    }
}

/// Six base-36 characters from `a`.
pub fn token(out: &mut Vec<u8>, mut a: u64) {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    for _ in 0..6 {
        out.push(ALPHABET[(a % 36) as usize]);
        a /= 36;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_their_markers() {
        let mut out = Vec::new();
        render(
            &mut out,
            NOTIFICATIONS[0].2,
            1234_5678,
            20_050,
            8 * 3600 + 5 * 60,
        );
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "【工商银行】您尾号5678卡08:05支出(消费)200.50元，余额以实际为准。"
        );
        for (_, _, t) in NOTIFICATIONS {
            let mut out = Vec::new();
            render(&mut out, t, 7, 7, 7);
            let text = String::from_utf8(out).unwrap();
            assert!(!text.contains(|c: char| c.is_control()), "{text}");
            assert!(!text.contains(['"', '\\']));
        }
    }
}
