#!/usr/bin/env python3
"""Write fraudwall's own SMS training corpus (Chinese and English).

Every phrase bank below was written for the fraudwall project; nothing is
copied from any corpus or from the simulated province's generator.  Messages
are composed from per-type slot banks (signature, opening, pretext, hook,
call to action, contact, urgency, closing), optional slots are dropped at
random, inline alternatives ``{a|b|c}`` are expanded and placeholders
``{money}``, ``{flink}`` ... are filled with randomized values.

Deterministic: fixed seed, standard library only, same output every run.

    python3 scripts/write-sms-corpus.py

writes data/sms/written/zh.csv and data/sms/written/en.csv (header label,text).
Licence: Apache-2.0, like the repository.
"""

import csv
import os
import random
import re
import string
import sys

SEED = 20240611
R = random.Random(SEED)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "data", "sms", "written")

FRAUD_LABELS = [
    "impersonate_police_government",
    "fake_customer_service",
    "impersonate_boss_acquaintance",
    "fake_loan_credit",
    "task_brushing_parttime",
    "pig_butchering_investment",
    "online_gambling",
    "sextortion_naked_chat",
    "fake_online_shopping",
    "game_trading",
    "overseas_recruitment",
    "elderly_care_investment",
    "other",
]
FRAUD_PER_TYPE = 400
LEGIT_TOTAL = 7000
FRAUD_OBFUSCATION_RATE = 0.15
LEGIT_OBFUSCATION_RATE = 0.03

# --------------------------------------------------------------------------
# template engine
# --------------------------------------------------------------------------

_ALT_RE = re.compile(r"\{((?:[^{}|]|\{[A-Za-z_0-9]+\})*(?:\|(?:[^{}|]|\{[A-Za-z_0-9]+\})*)+)\}")
_PH_RE = re.compile(r"\{([A-Za-z_][A-Za-z_0-9]*)\}")


def pick(seq):
    return seq[R.randrange(len(seq))]


def chance(p):
    return R.random() < p


def rdigits(n, first_nonzero=True):
    s = "".join(R.choice(string.digits) for _ in range(n))
    if first_nonzero and s[0] == "0":
        s = str(R.randint(1, 9)) + s[1:]
    return s


def ralnum(n, alphabet=string.ascii_letters + string.digits):
    return "".join(R.choice(alphabet) for _ in range(n))


class Ctx(dict):
    """Per-message placeholder cache: {bank} means one bank per message."""

    def __init__(self, gens, preset=None):
        super().__init__()
        self.gens = gens
        if preset:
            self.update(preset)

    def get_ph(self, name):
        if name in self:
            return self[name]
        base = name.rstrip("0123456789") or name
        if base not in self.gens:
            raise KeyError("unknown placeholder {%s}" % name)
        val = self.gens[base](self)
        self[name] = val
        return val


def expand(template, ctx):
    s = template
    for _ in range(10):
        s2 = _ALT_RE.sub(lambda m: pick(m.group(1).split("|")), s)
        if s2 == s:
            break
        s = s2
    for _ in range(4):
        s2 = _PH_RE.sub(lambda m: ctx.get_ph(m.group(1)), s)
        if s2 == s:
            break
        s = s2
    return s


def parse_form(form):
    """'sig?6 open?4 body cta' -> [(slot, prob)]; '?' alone is 0.5."""
    out = []
    for tok in form.split():
        if "?" in tok:
            name, p = tok.split("?")
            prob = int(p) / 10 if p else 0.5
        else:
            name, prob = tok, 1.0
        out.append((name, prob))
    return out


ZH_END = "。！？，；：…~）)】>」"


def join_zh(parts):
    out = ""
    for i, p in enumerate(parts):
        p = p.strip()
        if not p:
            continue
        if out and out[-1] not in ZH_END and not out.endswith(" "):
            if re.search(r"[A-Za-z0-9/]$", out):
                out += pick([" ", " ", "，", "。"])
            else:
                out += pick(["，", "。", "，"])
        out += p
    out = out.strip()
    if out.endswith("，"):
        out = out[:-1] + pick(["。", "", "！"])
    return out


def join_en(parts):
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out:
            if out[-1] not in ".!?:,;-)" and not re.search(r"(https?://\S+|\S+\.\S+/\S*)$", out):
                out += pick([".", ".", "!", ","]) if not out[-1].isdigit() else "."
            out += " "
            if out.rstrip()[-1] in ".!?" and p[0].islower() and chance(0.97):
                p = p[0].upper() + p[1:]
        out += p
    out = out.strip()
    if out and out[0].islower() and chance(0.8):
        out = out[0].upper() + out[1:]
    return out


def compose(spec, gens, lang, preset=None):
    """spec = {'forms': [...], 'slots': {...}, 'pre': {...}}"""
    if "variants" in spec:
        spec = pick(spec["variants"])
    ctx = Ctx(gens, preset)
    for k, vals in spec.get("values", {}).items():
        ctx[k] = pick(vals)
    if "setup" in spec:
        spec["setup"](ctx)
    form = parse_form(pick(spec["forms"]))
    parts = []
    sig = None
    for name, prob in form:
        if prob < 1 and not chance(prob):
            continue
        bank = spec["slots"][name]
        text = expand(pick(bank), ctx)
        if name == "sig":
            sig = text
            continue
        parts.append(text)
    if not parts:
        return None
    if lang == "zh":
        body = join_zh(parts)
        if sig:
            body = sig + body if chance(0.8) else body + sig
    else:
        body = join_en(parts)
        if sig:
            if chance(0.85):
                body = sig + " " + body
            else:
                body = body + pick([" - ", " ", " -"]) + sig.rstrip(":").strip()
    body = re.sub(r"[ \t]+", " ", body).strip()
    return body


# --------------------------------------------------------------------------
# shared value generators
# --------------------------------------------------------------------------

CHEAP_TLDS = ["top", "xyz", "cc", "vip", "icu", "club", "shop", "site", "online", "buzz",
              "work", "cyou", "fun", "live", "asia", "info", "pw", "ltd", "link", "click", "sbs", "cfd"]
URL_WORDS_ZH = ["refund", "kefu", "tuikuan", "pay", "vip", "help", "service", "center", "app", "login",
                "verify", "yz", "cn", "gov", "safe", "jl", "btv", "hd", "99", "888", "online", "web",
                "mobile", "m", "h5", "wap", "tk", "sh", "bj", "gz"]
URL_WORDS_EN = ["refund", "support", "help", "secure", "verify", "login", "account", "update", "care",
                "pay", "billing", "claim", "redelivery", "track", "service", "portal", "online", "uk",
                "us", "auth", "id", "check", "centre", "center", "info", "app", "web", "mobile"]
SHORTENERS_ZH = ["t.cn", "url.cn", "dwz.cn", "suo.im", "u.nu", "is.gd", "tinyurl.com", "bit.ly", "s.id", "sourl.cn"]
SHORTENERS_EN = ["bit.ly", "tinyurl.com", "is.gd", "cutt.ly", "t.ly", "rb.gy", "shorturl.at", "tiny.cc", "ow.ly", "s.id"]


def fraud_link(ctx, lang):
    slug = ctx.get("slug") or pick(ctx.gens["_slugs"](ctx))
    words = URL_WORDS_ZH if lang == "zh" else URL_WORDS_EN
    kind = R.random()
    path = ""
    if chance(0.55):
        path = "/" + pick([ralnum(R.randint(3, 8)), pick(words), pick(words) + "/" + ralnum(4),
                          "?id=" + rdigits(6), "#/" + pick(words), "h5/" + ralnum(5).lower()])
    if kind < 0.42:
        sep = pick(["-", "", "-", "", "0", "88"])
        host = pick([slug + sep + pick(words), pick(words) + sep + slug, slug + rdigits(R.randint(1, 3)),
                     slug + "-" + pick(words) + rdigits(R.randint(1, 2)), pick(words) + "-" + slug + "-" + pick(words)])
        url = host.lower() + "." + pick(CHEAP_TLDS) + path
    elif kind < 0.55:
        url = "%d.%d.%d.%d" % (R.randint(23, 223), R.randint(0, 255), R.randint(0, 255), R.randint(1, 254))
        if chance(0.4):
            url += ":" + pick(["8080", "8888", "9001", "6677", "7788", "443", "81", "8000"])
        url += path or "/" + ralnum(5).lower()
    elif kind < 0.78:
        url = pick(SHORTENERS_ZH if lang == "zh" else SHORTENERS_EN) + "/" + ralnum(R.randint(5, 8))
    elif kind < 0.88:
        url = "xn--" + ralnum(R.randint(6, 10), string.ascii_lowercase + string.digits) + "." + pick(CHEAP_TLDS + ["com", "net"]) + path
    else:
        url = pick(words) + "." + slug + "-" + ralnum(3, string.ascii_lowercase) + "." + pick(CHEAP_TLDS) + path
    r = R.random()
    if r < 0.35:
        url = "https://" + url
    elif r < 0.55:
        url = "http://" + url
    elif r < 0.65 and kind < 0.42:
        url = "www." + url
    return url


def amount(lo, hi, round_to=1):
    v = R.randint(lo, hi)
    if round_to > 1:
        v = max(round_to, v // round_to * round_to)
    return v


def cents():
    return pick(["00", rdigits(2, False), "50", "00", rdigits(2, False)])


def rand_ip_like():
    return "%d.%d.%d.%d" % (R.randint(23, 223), R.randint(0, 255), R.randint(0, 255), R.randint(1, 254))


# --------------------------------------------------------------------------
# Chinese value generators
# --------------------------------------------------------------------------

ZH_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
ZH_GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建国宇浩然欣怡子涵梓轩雨婷思远佳琪晨阳一鸣嘉怡俊凯文博海燕小龙晓东丹丹志强春梅永刚")
ZH_CITIES = ["北京", "上海", "广州", "深圳", "杭州", "南京", "苏州", "成都", "重庆", "武汉", "西安", "长沙", "郑州",
             "济南", "青岛", "合肥", "福州", "厦门", "南昌", "昆明", "贵阳", "南宁", "海口", "石家庄", "太原",
             "沈阳", "大连", "长春", "哈尔滨", "天津", "宁波", "温州", "无锡", "佛山", "东莞", "珠海", "泉州",
             "徐州", "洛阳", "绵阳", "宜昌", "襄阳", "赣州", "桂林", "呼和浩特", "兰州", "银川", "乌鲁木齐", "西宁", "拉萨"]
ZH_DISTRICTS = ["朝阳", "海淀", "浦东", "徐汇", "天河", "越秀", "南山", "福田", "西湖", "滨江", "鼓楼", "玄武",
                "武侯", "锦江", "江北", "渝中", "洪山", "江汉", "雁塔", "岳麓", "金水", "历下", "市南", "蜀山",
                "思明", "青山湖", "五华", "南明", "青秀", "龙华", "高新", "经开", "城关", "新城", "开发区"]
ZH_ROADS = ["人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "长江路", "黄河路", "学府路", "文化路",
            "光明街", "东风路", "胜利街", "迎宾大道", "科技园路", "世纪大道", "滨河路", "幸福路", "花园街", "青年路"]
ZH_BANKS = [("工商银行", "95588", "icbc.com.cn"), ("建设银行", "95533", "ccb.com"), ("农业银行", "95599", "abchina.com"),
            ("中国银行", "95566", "boc.cn"), ("交通银行", "95559", "bankcomm.com"), ("招商银行", "95555", "cmbchina.com"),
            ("邮储银行", "95580", "psbc.com"), ("浦发银行", "95528", "spdb.com.cn"), ("民生银行", "95568", "cmbc.com.cn"),
            ("中信银行", "95558", "citicbank.com"), ("光大银行", "95595", "cebbank.com"), ("兴业银行", "95561", "cib.com.cn"),
            ("平安银行", "95511", "bank.pingan.com"), ("华夏银行", "95577", "hxb.com.cn"), ("广发银行", "95508", "cgbchina.com.cn")]
ZH_COURIERS = [("顺丰速运", "95338", "sf-express.com"), ("中通快递", "95311", "zto.com"), ("圆通速递", "95554", "yto.net.cn"),
               ("韵达快递", "95546", "yundaex.com"), ("申通快递", "95543", "sto.cn"), ("京东快递", "950616", "jdl.com"),
               ("中国邮政", "11183", "ems.com.cn"), ("极兔速递", "956025", "jtexpress.com.cn"), ("德邦快递", "95353", "deppon.com")]
ZH_PLATFORMS = [("淘宝", "taobao", "taobao.com"), ("京东", "jd", "jd.com"), ("拼多多", "pdd", "pinduoduo.com"),
                ("抖音", "douyin", "douyin.com"), ("快手", "kuaishou", "kuaishou.com"), ("美团", "meituan", "meituan.com"),
                ("唯品会", "vip", "vip.com"), ("闲鱼", "xianyu", "goofish.com"), ("得物", "dewu", "dewu.com"),
                ("小红书", "xhs", "xiaohongshu.com"), ("天猫", "tmall", "tmall.com"), ("苏宁易购", "suning", "suning.com"),
                ("饿了么", "eleme", "ele.me"), ("携程", "ctrip", "ctrip.com"), ("支付宝", "alipay", "alipay.com"),
                ("微信支付", "wxpay", "pay.weixin.qq.com")]
ZH_OPERATORS = [("中国移动", "10086", "10086.cn"), ("中国联通", "10010", "10010.com"), ("中国电信", "10000", "189.cn"),
                ("中国广电", "10099", "10099.com.cn")]
ZH_GAMES = ["王者荣耀", "和平精英", "原神", "英雄联盟", "梦幻西游", "蛋仔派对", "第五人格", "穿越火线", "我的世界",
            "永劫无间", "逆水寒", "崩坏：星穹铁道", "金铲铲之战", "光遇", "火影忍者", "阴阳师", "CSGO", "DNF", "天涯明月刀", "使命召唤手游"]
ZH_COUNTRIES = ["柬埔寨", "缅甸", "泰国", "老挝", "迪拜", "菲律宾", "马来西亚", "越南", "印尼", "土耳其", "格鲁吉亚", "蒙古"]
ZH_OVERSEAS_CITIES = ["西港", "金边", "妙瓦底", "曼谷", "万象", "马尼拉", "吉隆坡", "胡志明", "雅加达", "迪拜", "KK园区附近", "大其力", "木姐"]
ZH_FRAUD_SLUGS = ["gov", "cn", "icbc", "ccb", "boc", "abc", "cmb", "jd", "tb", "taobao", "pdd", "sf", "ems", "zto",
                  "etc", "12123", "12306", "chinatax", "ybj", "sb", "10086", "alipay", "wx", "wechat", "dy", "ks",
                  "meituan", "vip", "bank", "pay", "ybk", "shebao", "hz", "cm", "tx", "qq", "game", "wzry"]
ZH_FAKE_APPS = ["安心办", "警民通", "公安云", "云办案", "速贷宝", "闪借侠", "金盈通", "鑫宝理财", "汇鑫国际", "优品任务",
                "快单宝", "蜂鸟兼职", "赚点点", "星辰交易所", "CoinFX", "币安Pro", "MetaBit", "鼎盛娱乐", "皇冠体育",
                "澳门新葡京", "同城约", "蜜聊", "夜色", "缘来聊", "易游宝", "淘号王", "盼达养老", "福寿通", "国寿养老宝",
                "云视讯", "瞩目会议", "ToDesk", "安全卫士Pro", "反诈助手Plus", "普惠金融", "优享贷", "惠农易贷", "易借钱"]
ZH_STATIONS = ["菜鸟驿站", "兔喜生活", "妈妈驿站", "丰巢柜", "中邮驿站", "京东自提点", "快递超市", "小区快递柜"]
ZH_HOSP = ["市第一人民医院", "市中心医院", "妇幼保健院", "中医院", "口腔医院", "社区卫生服务中心", "眼科医院", "儿童医院", "第三人民医院"]
ZH_DEPTS = ["内科", "外科", "口腔科", "眼科", "皮肤科", "儿科", "妇科", "骨科", "耳鼻喉科", "消化内科", "心内科", "体检中心"]
ZH_SCHOOLS = ["实验小学", "第一中学", "外国语学校", "第二实验小学", "附属中学", "育才小学", "阳光幼儿园", "第七中学"]
ZH_COMPANIES = ["恒达科技", "星辰网络", "蓝海物流", "嘉禾食品", "锦程教育", "华兴电子", "远航贸易", "鼎新软件", "瑞丰装饰",
                "启明医疗", "万家超市", "云帆传媒", "顺达汽修", "和美家政", "天一建筑", "博雅书店"]


def zh_name(ctx=None):
    return pick(ZH_SURNAMES) + "".join(pick(ZH_GIVEN) for _ in range(R.choice([1, 2, 2])))


def zh_money(lo, hi, rnd=1):
    v = amount(lo, hi, rnd)
    r = R.random()
    if r < 0.35:
        return "%d元" % v
    if r < 0.55:
        return "%d.%s元" % (v, cents())
    if r < 0.7:
        return "￥%d" % v
    if r < 0.8:
        return "%s元" % format(v, ",")
    if r < 0.9 and v >= 10000 and v % 1000 == 0:
        return "%g万" % (v / 10000)
    return "%d.%s" % (v, cents()) + "元"


def zh_date(ctx):
    m, d = R.randint(1, 12), R.randint(1, 28)
    return pick(["%d月%d日" % (m, d), "%02d-%02d" % (m, d), "%d月%d号" % (m, d), "%02d月%02d日" % (m, d), "%d/%d" % (m, d)])


def zh_time(ctx):
    return "%02d:%02d" % (R.randint(0, 23), R.randint(0, 59))


def zh_deadline(ctx):
    return pick(["今日24点", "今天%d点" % R.randint(15, 23), "%d小时内" % pick([2, 6, 12, 24, 48]), "明天中午12点",
                 zh_date(ctx), "本周五", "%d分钟内" % pick([10, 30, 60]), "今晚%d点" % R.randint(8, 11), "月底"])


def zh_phone(ctx):
    return pick(["1" + pick(["70", "71", "62", "65", "67", "92", "95", "98"]) + rdigits(8, False),
                 "400-" + rdigits(3) + "-" + rdigits(4), "0" + pick(["10", "21", "20", "755", "571", "23", "28"]) + "-" + rdigits(8),
                 "1" + pick(["3", "5", "8", "9"]) + rdigits(9, False), "+852 " + rdigits(8), "00855-" + rdigits(9)])


def zh_wx(ctx):
    stem = pick(["kf", "vip", "zx", "jl", "xm", "ls", "fw", "hr", "jz", "lc", "wx", "sh", "ab", "mm", "jj", "dj", ""])
    return pick([stem + rdigits(R.randint(4, 8), False), pick(["a", "b", "x", "z", "y", "q"]) + ralnum(R.randint(5, 8)).lower(),
                 stem + "_" + ralnum(4).lower() + rdigits(2, False), "1" + rdigits(10, False)])


def zh_qq(ctx):
    return rdigits(R.randint(8, 10))


def zh_acct(ctx):
    acct = "62" + rdigits(R.choice([14, 17]), False)
    if chance(0.5):
        acct = " ".join(acct[i:i + 4] for i in range(0, len(acct), 4))
    return acct


ZH_GENS = {
    "_slugs": lambda c: ZH_FRAUD_SLUGS,
    "name": lambda c: zh_name(),
    "sur": lambda c: pick(ZH_SURNAMES),
    "city": lambda c: pick(ZH_CITIES),
    "district": lambda c: pick(ZH_DISTRICTS),
    "road": lambda c: pick(ZH_ROADS) + "%d号" % R.randint(1, 399),
    "date": zh_date,
    "time": zh_time,
    "deadline": zh_deadline,
    "money": lambda c: zh_money(100, 9999),
    "small": lambda c: zh_money(5, 300),
    "fee": lambda c: zh_money(98, 3800),
    "big": lambda c: zh_money(10000, 500000, 100),
    "salary": lambda c: "%d" % R.randint(2, 6) + pick(["万", "0000元", "万+", "W"]),
    "pct": lambda c: "%d%%" % R.randint(5, 60) if chance(0.7) else "%d.%d%%" % (R.randint(1, 30), R.randint(1, 9)),
    "n": lambda c: str(R.randint(2, 9)),
    "nn": lambda c: str(R.randint(10, 99)),
    "days": lambda c: str(pick([1, 3, 5, 7, 15, 30])),
    "code": lambda c: rdigits(pick([4, 6, 6, 6]), False),
    "tail": lambda c: rdigits(4, False),
    "order": lambda c: rdigits(R.randint(12, 19)),
    "track": lambda c: pick(["SF", "YT", "JT", "ZT", "JD", "YD", ""]) + rdigits(R.randint(12, 15)),
    "caseno": lambda c: "（%d）%s刑字第%s号" % (R.randint(2021, 2025), pick(["京", "沪", "粤", "浙", "苏", "川", "鄂"]), rdigits(R.randint(3, 5))),
    "flink": lambda c: fraud_link(c, "zh"),
    "phone": zh_phone,
    "wx": zh_wx,
    "qq": zh_qq,
    "acct": zh_acct,
    "app": lambda c: pick(ZH_FAKE_APPS),
    "game": lambda c: pick(ZH_GAMES),
    "country": lambda c: pick(ZH_COUNTRIES),
    "ocity": lambda c: pick(ZH_OVERSEAS_CITIES),
    "plat": lambda c: c.setdefault("_plat", pick(ZH_PLATFORMS))[0],
    "bank": lambda c: c.setdefault("_bank", pick(ZH_BANKS))[0],
    "bankhot": lambda c: (c.get_ph("bank"), c["_bank"][1])[1],
    "bankdom": lambda c: (c.get_ph("bank"), c["_bank"][2])[1],
    "courier": lambda c: c.setdefault("_cour", pick(ZH_COURIERS))[0],
    "courhot": lambda c: (c.get_ph("courier"), c["_cour"][1])[1],
    "courdom": lambda c: (c.get_ph("courier"), c["_cour"][2])[1],
    "oper": lambda c: c.setdefault("_oper", pick(ZH_OPERATORS))[0],
    "operhot": lambda c: (c.get_ph("oper"), c["_oper"][1])[1],
    "operdom": lambda c: (c.get_ph("oper"), c["_oper"][2])[1],
    "platdom": lambda c: (c.get_ph("plat"), c["_plat"][2])[1],
    "station": lambda c: pick(ZH_STATIONS),
    "hosp": lambda c: pick(ZH_HOSP),
    "dept": lambda c: pick(ZH_DEPTS),
    "school": lambda c: pick(ZH_SCHOOLS),
    "company": lambda c: pick(ZH_COMPANIES),
    "shelf": lambda c: "%d-%d-%d" % (R.randint(1, 30), R.randint(1, 9), R.randint(1000, 9999)),
    "plate": lambda c: pick("京沪粤浙苏川鄂湘豫鲁闽皖") + pick("ABCDEFGHK") + ralnum(5, string.ascii_uppercase[:8] + string.digits),
    "gb": lambda c: str(pick([1, 2, 3, 5, 10, 20, 30, 50])) + "GB",
    "pts": lambda c: str(R.randint(800, 26000)),
    "grade": lambda c: pick(["一", "二", "三", "四", "五", "六", "初一", "初二", "高一"]),
    "rel": lambda c: pick(["妈", "爸", "姐", "哥", "老婆", "老公", "宝贝", "儿子", "闺女", "小姨", "舅舅", "姑姑", "奶奶"]),
    "food": lambda c: pick(["火锅", "烧烤", "饺子", "麻辣烫", "酸菜鱼", "小龙虾", "牛肉面", "炸鸡", "烤鸭", "日料", "粤菜", "串串"]),
    "place": lambda c: pick(["万达广场", "老地方", "地铁口", "小区门口", "公司楼下", "高铁站", "学校门口", "医院门口", "商场一楼", "星巴克", "肯德基", "公园东门"]),
    "weekday": lambda c: pick(["周一", "周二", "周三", "周四", "周五", "周六", "周日", "明天", "后天", "今晚", "这周末", "下周"]),
}


# --------------------------------------------------------------------------
# Chinese fraud phrase banks
# --------------------------------------------------------------------------

ZH_CONTACT_FRAUD = [
    "点击{flink}", "详情：{flink}", "戳{flink}", "登录{flink}", "链接{flink}", "{flink}",
    "加微信{wx}", "加V：{wx}", "微信号{wx}", "添加客服微信{wx}", "QQ：{qq}", "加扣{qq}", "联系电话{phone}",
    "致电{phone}", "回拨{phone}", "下载{app}APP", "应用商店搜索“{app}”下载", "下载地址{flink}",
]

ZH_FRAUD = {}

ZH_FRAUD["impersonate_police_government"] = {
    "values": {"app": ["安心办", "警民通", "公安云", "云办案", "云视讯", "瞩目会议", "ToDesk", "安全卫士Pro", "反诈助手Plus", "国家安全防护"]},
    "forms": ["sig?4 open?6 pre hook?7 cta urg?5 close?5",
              "sig?3 pre cta close?4",
              "open pre hook cta urg?4",
              "sig?5 pre2 cta urg?6 close?3",
              "open?5 pre2 hook?6 cta close?6"],
    "slots": {
        "sig": ["【{city}市公安局】", "【公安部刑侦局】", "【最高人民检察院】", "【国家税务总局】", "【{city}市社保中心】",
                "【医保局】", "【人民法院】", "【{city}市{district}区人民法院】", "【反洗钱监测中心】", "【市场监管局】",
                "【{city}公安】", "【国家医保服务平台】", "【人社局】", "【12368法院通知】", "【公积金中心】", "【出入境管理局】"],
        "open": ["{name}{你好|您好}，", "机主您好，", "尊敬的公民：", "紧急通知：", "{你好|您好}，这里是{city}市公安局{district}分局，",
                 "我是{city}市公安局刑警大队{sur}警官，警号{code}，", "这里是{city}市人民检察院，", "{name}先生/女士：",
                 "您好，{city}社保中心通知：", "【重要】", "您好，我是{city}税务稽查局的{sur}科长，", "{name}同志，",
                 "本通知由{city}市中级人民法院发出，", "这是一条来自国家反诈中心的核查通知，", "身份证尾号{tail}的机主：",
                 "{name}，我是派出所民警{sur}某，"],
        "pre": ["您的身份证涉嫌一起{洗钱|非法集资|跨境赌博|电信诈骗}案件",
                "有人冒用您的身份在{city}开办了银行卡，涉及{big}{洗钱|非法资金}流水",
                "您名下{bank}账户被犯罪团伙用于转移赃款",
                "您有一张法院传票（案号{caseno}）尚未签收",
                "经核查您{2023|2024}年度个人所得税少缴{money}，已涉嫌偷逃税",
                "您的社保卡存在异常{操作|记录}，即将被停用",
                "您的医保卡被他人违规套现{money}，需本人核实",
                "您寄往{country}的包裹中查出{护照|银行卡|违禁药品}，已被海关扣押",
                "您涉嫌一宗{重大|特大}{洗钱|诈骗}案，已被列为嫌疑人",
                "检察院已对您签发{冻结令|逮捕令}",
                "您的电话卡涉嫌发送诈骗短信，将在{n}小时后停机",
                "您名下有一笔{违规贷款|非法资金往来}已被公安机关立案",
                "您的个人信息已被纳入失信被执行人名单",
                "您的养老保险{缴费|认证}异常，待遇将被暂停发放",
                "您的公积金账户被冒名提取，需配合核查",
                "您涉嫌在网上发布不实言论，网警已立案"],
        "pre2": ["你名下账户涉案，立即配合调查", "涉嫌洗钱，速联系办案民警", "法院传票未签收，查看：{flink}",
                 "你的社保卡已冻结，请重新认证", "个税异常待处理，逾期纳入征信", "医保卡将停用，请及时核验身份",
                 "涉案资金需核查，请勿挂断来电", "你已被列为案件关联人，需要线上笔录", "通缉令已下发，查看{flink}",
                 "您的案件编号{caseno}，请尽快处理", "您有一份电子传票待查收", "身份信息被盗用，需冻结名下资产"],
        "hook": ["为证明您的清白，需要对您名下资金进行清查", "如不配合，将依法冻结您名下所有{账户|银行卡|资产}",
                 "需将资金转入{国家安全账户|监管账户|清查账户}核验，核查无误后{全额退还|原路返还}",
                 "需缴纳{保证金|取保候审金|核查费}{fee}，案件结束后退回", "本案属于{保密案件|国家机密}，调查期间不得向任何人透露",
                 "外地当事人可远程视频笔录，无需到案", "请准备好名下所有银行卡，配合资金核查",
                 "我们将为您办理资金保全，避免被冻结", "需要您本人开启屏幕共享配合核验", "逾期未处理将影响子女{上学|考公}和个人征信",
                 "您的资金需要做一次“清白证明”", "核查期间需把余额集中到一张卡上"],
        "cta": ["请立即拨打{phone}联系办案民警", "请添加专案组{sur}警官微信{wx}", "点击{flink}查看{通缉令|案情|传票}",
                "登录{flink}填写个人信息及银行卡号", "下载“{app}”并开启屏幕共享配合调查", "请将资金转入安全账户{acct}",
                "请{尽快|立即}回电{phone}", "回复1转人工，或致电{phone}", "请加QQ{qq}接收电子文书", "登录{flink}进行身份{认证|核验}",
                "扫码或点击{flink}办理社保重新认证", "请于{deadline}前登录{flink}补缴税款", "请联系{sur}检察官：{phone}",
                "在{app}中输入案件编号查看详情", "按指示把资金转到监管账户，核验后退回"],
        "urg": ["逾期将{上门拘传|强制执行|冻结所有账户}", "{deadline}前未处理将冻结名下所有银行卡", "否则按妨碍司法处理",
                "逾期后果自负", "本通知{deadline}前有效", "超时将移交公安机关", "过期将影响个人征信", "请务必今日处理"],
        "close": ["此事{请|务必}对家人保密，不要告诉任何人。", "切勿向他人透露案情，以免打草惊蛇。", "调查期间请勿接听其他电话。",
                  "不要去银行柜台办理，以免泄露。", "特此通知。", "请配合调查，谢谢。", "如有疑问请联系办案人员。",
                  "不要告诉家人和同事，否则按泄露国家机密处理。"],
    },
}

ZH_FRAUD["fake_customer_service"] = {
    "values": {"app": ["云视讯", "瞩目会议", "ToDesk", "腾讯会议Pro", "理赔助手", "售后通", "Zoom会议"]},
    "forms": ["sig?6 open?6 pre hook?6 cta urg?5 close?3",
              "sig?4 pre cta",
              "open pre hook cta close?4",
              "sig?7 pre2 cta urg?5"],
    "slots": {
        "sig": ["【{plat}】", "【{plat}客服】", "【{courier}】", "【{bank}】", "【{plat}售后】", "【{plat}理赔中心】",
                "【抖音电商】", "【{bank}信用卡中心】", "【支付宝】", "【百万保障】", "【{courier}理赔】", "【京东金融】"],
        "open": ["{亲|亲爱的用户|尊敬的会员}您好，", "您好，这里是{plat}官方客服，", "您好，我是{courier}客服专员{sur}，",
                 "{name}您好，", "尊敬的{plat}用户：", "亲，", "您好，我是{plat}售后{小|}{sur}，工号{code}，",
                 "您好！", "{bank}客服提醒您：", "温馨提示：", "{plat}平台通知："],
        "pre": ["您在{plat}购买的商品因{质检不合格|批次问题|仓库问题}，需为您办理{双倍|三倍|}退款",
                "您的快递（单号{track}）在运输途中{丢失|破损}，我们将赔偿您{money}",
                "您开通的{plat}{会员|金牌会员|VIP}将于{date}自动扣费{small}/月",
                "您之前开通的“{百万保障|学生保险|账户安全险}”试用期已到，即将每月扣费{small}",
                "系统检测到您误开通了{商家代理|直播带货}权限，每月将扣除{fee}",
                "您在校期间开通的{校园贷|学生贷}账户尚未注销，影响征信",
                "您的{plat}账户存在异常交易，需要配合客服处理",
                "您购买的{衣服|护肤品|电子产品|零食}存在{甲醛超标|质量问题|召回}，平台赔付{money}",
                "您的退款申请已通过，但因银行系统原因退款失败",
                "您的{bank}信用卡被误设为代理商模式，每月收取{fee}年费",
                "您的微信支付{“分付”|“借钱”}功能额度异常，需要关闭",
                "商家{发货延迟|缺货}，平台主动为您赔付{money}",
                "您的航班{取消|延误}，可申请改签补偿{money}",
                "您在{plat}的订单{order}已被冻结，需要验证后解冻"],
        "pre2": ["快递丢失理赔{money}，点{flink}领取", "会员即将自动扣费，如需取消请联系客服", "订单异常退款，请添加售后处理",
                 "商品质量问题理赔，请尽快办理", "百万保障即将扣费，速取消", "注销学生账户，避免影响征信",
                 "您的退款已到账待确认，点击{flink}", "代理权限误开通，年费即将扣除"],
        "hook": ["为避免{扣费|影响征信|资金损失}，需要您配合操作", "退款需要通过{备用金|“退款通道”|“理赔通道”}办理",
                 "需先在{支付宝|微信}“{备用金|借呗}”中借出额度，验证您的还款能力", "理赔款将原路退回，需提供验证码确认",
                 "需要您开启屏幕共享，由专员指导关闭", "核实身份需支付{small}验证金，随理赔款一并返还",
                 "为保证资金安全，请按照客服指引转入{验证账户|监管账户}", "退款{money}需要先缴纳{small}{手续费|通道费}",
                 "关闭扣费需要把余额转到安全账户后再操作", "请勿挂断客服电话，操作完成即到账"],
        "cta": ["请添加售后微信{wx}办理", "点击{flink}填写{退款|理赔}信息", "请拨打{phone}联系客服取消",
                "下载“{app}”与客服视频沟通", "请回复“1”由客服联系您", "登录{flink}申请理赔", "加QQ{qq}，客服一对一处理",
                "扫描客服发送的二维码完成退款", "进入{flink}关闭自动扣费", "请将收到的验证码告诉客服专员",
                "联系专属客服{phone}", "点{flink}领取赔付款"],
        "urg": ["{deadline}前未处理将自动扣费", "逾期视为放弃{理赔|退款}", "今日内有效", "名额有限请尽快",
                "超时将{影响征信|持续扣费}", "请在{n}小时内完成操作"],
        "close": ["感谢您的支持！", "祝您生活愉快。", "给您带来不便深表歉意。", "请勿向他人透露验证码。", "此为平台内部通道，请勿外传。",
                  "如有疑问随时联系客服。"],
    },
}

ZH_FRAUD["impersonate_boss_acquaintance"] = {"variants": [
    {   # family: child / parent with a new number
        "forms": ["open pre hook? cta close?5", "open? pre2 cta?7", "pre hook cta? close?5"],
        "slots": {
            "open": ["{妈|爸|妈妈|老爸|老妈}，是我，", "{妈|爸}，", "妈，我是{小|}{伟|丽|军|娟|强}，", "{奶奶|爷爷}，是我，", "{姐|哥}，是我，",
                     "{老婆|老公}，", "舅，是我，", "{妈|爸}在吗？"],
            "pre": ["我手机掉水里了，这是我新号码", "我换号了，旧号别打了", "我在外地{出了点事|出车祸了|被人打了}，急需用钱",
                    "我跟同学借了钱，今天必须还", "我在{city}{出差|实习}，钱包丢了", "我手机坏了，借朋友的手机发的",
                    "我{被派出所扣了|跟人打架了}，要交{保释金|赔偿款}", "我{生病住院|做手术}了，押金不够", "学校要交{培训费|考证费|住宿费}，急",
                    "我在{网上|学校}买东西被人骗了，要先补上", "我{交了女朋友|谈了对象}，要给她家彩礼", "我准备考研报班，差{money}"],
            "pre2": ["新号，存一下", "这是我新号，旧的不用了", "在吗？帮个忙", "方便说话吗", "有急事，先别打电话", "我这边卡被冻了，急"],
            "hook": ["你先帮我转{money}，{明天|过两天|回来}就还", "钱直接打到这个卡上：{acct}", "我这边不方便转，你先帮我垫上",
                     "别打电话，我现在不方便接", "医院要先交{big}押金", "交完就能出来", "转我朋友的卡，户名{name}", "转完把截图发我"],
            "cta": ["加我新微信{wx}", "用这个号码联系我", "转好了跟我说一声", "存一下新号", "转到{acct}，户名{name}", "先别打电话，发信息",
                    "加一下我的QQ{qq}"],
            "close": ["别告诉{爸|妈|家里人}，{怕他们担心|回头我跟他们说}。", "千万别跟我{爸|妈}说。", "急！！", "快点啊！", "谢谢{妈|爸}。", "回头跟你解释。"],
        },
    },
    {   # boss / leader
        "forms": ["open pre hook? cta close?5", "open pre2 cta?7", "pre hook cta close?4"],
        "slots": {
            "open": ["{小|}{sur}，我是{你|}{sur}总，", "{name}，我是{sur}总，", "{sur}经理，我是{sur}董，", "我是{sur}局，", "{小|}{sur}你好，我是{sur}书记，",
                     "财务{小|}{sur}：", "{name}在吗？我是{sur}总，", "我是你老领导{sur}某，"],
            "pre": ["明天上午来我办公室一趟", "我这边有个客户急着要打款", "我在开会不方便接电话", "公司有笔款要临时周转",
                    "{合同|项目}尾款今天要付给对方", "我在{city}陪领导吃饭，走不开", "我现在用的是新微信，旧的不用了", "有个保证金今天要交"],
            "pre2": ["加我新微信{wx}", "你现在在吗，急", "有个事需要你帮忙，别声张", "这是我私人号码，存一下"],
            "hook": ["你先帮我给对方账户打{big}，回头报销", "先从公司账上转{big}给{company}，手续后补", "对方急着要，越快越好",
                     "直接转到这个账户：{acct}", "我这边不方便转，你先垫上", "别打电话，我在开会"],
            "cta": ["加我新微信{wx}", "转好了截图发我", "办好跟我说", "收到回复", "加{wx}，拉你进项目群"],
            "close": ["这事先保密。", "辛苦了。", "不要在群里说。", "抓紧办。", "回头再说。"],
        },
    },
    {   # teacher / school
        "forms": ["open pre hook? cta close?4", "open pre cta"],
        "slots": {
            "open": ["各位家长好，我是班主任{sur}老师，", "{name}家长您好，我是{school}{grade}年级{sur}老师，", "家长您好，", "【{school}】家长：",
                     "{name}妈妈，我是{sur}老师，"],
            "pre": ["学校要收{资料费|校服费|研学费|补课费}{small}", "孩子在学校{摔伤了|突发急病}，正在医院抢救", "下学期{教材|保险}费用需要统一缴纳",
                    "孩子的{考试成绩|升学名额}有些情况需要单独沟通", "本班建了新的家长群，请尽快加入"],
            "hook": ["请扫码或转账给老师个人账户", "医院要先交{money}押金，请先转给我", "缴费后把截图发到群里", "名额有限，今天截止"],
            "cta": ["加我微信{wx}", "进群{flink}", "加QQ群{qq}", "转到{acct}，户名{name}"],
            "close": ["谢谢配合。", "请勿在原群里讨论。", "尽快！"],
        },
    },
    {   # friend / classmate / relative
        "forms": ["open pre hook? cta close?5", "open pre2 cta?7"],
        "slots": {
            "open": ["老同学，还记得我吗？我是{sur}{小|大}{伟|明|军|丽}，", "{name}，我你{表哥|堂哥|舅舅|表姐}，", "兄弟，是我，{sur}{伟|强|磊}，",
                     "嫂子，我是{sur}的同事，", "在吗？我是{sur}叔叔，", "姑，是我{n}毛，", "{name}，我是{sur}，换号了，"],
            "pre": ["我在{city}出差，钱包丢了", "我这边急用{money}，周转一下", "你{哥|姐}出事了，在医院", "我做生意差点钱，就差{money}",
                    "我想托你办个事", "我借朋友手机联系你的"],
            "pre2": ["在吗？帮个忙", "换号了，存一下", "方便说话吗", "有急事找你"],
            "hook": ["你先转我{money}，{明天|月底}就还", "转到这个卡：{acct}", "别打电话，我这边不方便", "对方急着要，越快越好"],
            "cta": ["加我新微信{wx}", "转好说一声", "加QQ{qq}", "微信聊"],
            "close": ["别跟别人说。", "回头请你吃饭。", "谢了兄弟。", "急！"],
        },
    },
]}

ZH_FRAUD["fake_loan_credit"] = {
    "values": {"app": ["速贷宝", "闪借侠", "普惠金融", "优享贷", "惠农易贷", "易借钱", "金鼎贷", "安心借"]},
    "forms": ["sig?5 open?5 pre hook cta urg?4 close?3", "sig?4 pre2 cta", "open? pre hook? cta close?5", "sig?5 pre3 hook cta urg?4"],
    "slots": {
        "sig": ["【{bank}】", "【{bank}普惠金融】", "【京东金融】", "【微粒贷】", "【{app}】", "【金融服务中心】", "【征信中心】",
                "【银保监】", "【借呗服务】", "【融资服务】", "【消费金融】"],
        "open": ["{name}您好，", "尊敬的客户：", "您好！", "亲，", "老板您好，", "恭喜您！", "{name}：", "通知："],
        "pre": ["您已获得{bank}{无抵押|免抵押}信用贷款{big}额度", "您的借款额度已提升至{big}，{年化|日息}低至{pct}",
                "正规平台低息贷款，{秒批秒到|当天放款|凭身份证即可}", "征信不好也能贷，黑户白户均可下款",
                "您的信用分已达到{big}贷款资格", "企业经营贷，最高{big}，{先息后本|随借随还}", "{无需|不看}征信，{n}分钟到账",
                "您的{花呗|借呗|白条}额度可提升至{big}", "逾期记录{消除|修复}，专业征信修复", "您申请的贷款{big}已审批通过",
                "大学生专享贷，{免息|低息}{n}个月", "公积金贷款快速办理，额度高放款快"],
        "pre2": ["急用钱？{n}分钟到账，额度{big}", "秒批贷款{big}，点击领取", "征信修复，逾期可消", "您有{big}额度待领取",
                 "低息借款，日息{pct}起", "{免息|免利息}借款{money}已到账待领取"],
        "pre3": ["您的贷款{big}已审核通过，但银行卡号填写错误，账户已冻结", "放款失败：您的账户流水不足",
                 "您的借款因信用分不足暂无法提现", "系统检测到您的账户存在刷单嫌疑，资金被冻结"],
        "hook": ["需缴纳{解冻费|保证金|验资费|工本费|会员费}{fee}后即可放款", "需先转入{fee}证明还款能力，放款后一起退还",
                 "需做流水验资，转入{money}后系统自动解冻", "先付{fee}手续费，当天到账", "只需提供身份证和银行卡",
                 "仅需{small}服务费即可{提额|修复}", "审核费{small}，不成功全额退", "额度随借随还，不查征信"],
        "cta": ["点击{flink}申请", "下载{app}立即提现", "加客服微信{wx}办理", "详询{phone}", "回复1立即办理",
                "登录{flink}领取额度", "加QQ{qq}咨询", "联系信贷经理{sur}：{phone}", "戳{flink}查看额度"],
        "urg": ["{deadline}前有效", "额度限时{n}天", "逾期将{关闭额度|上征信}", "名额有限", "过时作废"],
        "close": ["回T退订", "拒收请回复R", "祝您生活愉快！", "退订回TD", "诚信经营，放心借款。", "请勿告诉他人，以免影响审批。"],
    },
}

ZH_FRAUD["task_brushing_parttime"] = {
    "values": {"app": ["优品任务", "快单宝", "蜂鸟兼职", "赚点点", "众帮", "悬赏猫Pro", "抖客联盟"]},
    "forms": ["sig?3 open? pre hook cta urg?4 close?3", "pre cta", "open pre hook? cta close?5", "sig?3 pre2 hook? cta"],
    "slots": {
        "sig": ["【{plat}招募】", "【兼职】", "【{company}】", "【招聘】", "【在家赚钱】", "【{app}】"],
        "open": ["{您好|你好}，", "宝妈学生看过来！", "想在家赚钱吗？", "{name}你好，我是{company}HR，", "{亲|hi}，",
                 "招聘：", "急招！", "我们是{plat}合作商家，"],
        "pre": ["{抖音|快手|小红书}点赞关注，一单{small}，日结", "{在家|手机}兼职，每天{n}小时，日赚{money}",
                "{淘宝|拼多多|京东}商家招刷单员，{垫付|先付}返{pct}佣金", "{酒店|餐厅|电影}好评员，一条{small}",
                "招聘网络打字员、录入员，时间自由", "简单看视频就能赚钱，{n}秒一单", "招募{电影票房|商品}推广员，收益稳定",
                "主播助理兼职，无需露脸，日结{money}", "{点赞|收藏|关注}任务，完成即返", "做任务送{small}红包，可提现",
                "名额有限的{抖音|快手}“数据优化员”", "{宝妈|学生|退休人员}在家做手工，计件{small}"],
        "pre2": ["日结{money}，手机就能做", "兼职点赞，一单{small}，加{wx}", "刷单返{pct}，秒返本金",
                 "招聘：居家客服，日薪{money}", "首单体验{small}，立返"],
        "hook": ["第一单{small}体验，完成后立返本金加佣金", "后续需要{垫付|预付}{money}做连单任务，完成后一起返还",
                 "任务卡单需补充{money}才能提现", "做满{n}单可申请提现", "会员任务需缴纳{fee}入会费", "不需要经验，有手机就行",
                 "佣金{pct}，多劳多得", "完成一组{n}单任务即可提现本金和佣金", "操作失误需要再充值{money}恢复账户"],
        "cta": ["加微信{wx}领取任务", "下载{app}接单", "点击{flink}注册", "加QQ{qq}，备注“兼职”", "联系导师{phone}",
                "进群领任务：{flink}", "加{wx}备注“任务”", "扫码进群，派单员带你做"],
        "urg": ["名额只剩{n}个", "今日{deadline}截止报名", "限时招募", "先到先得"],
        "close": ["不收任何费用。", "正规平台放心做。", "回T退订", "欢迎宝妈学生。", "本公司诚信经营。", "做任务期间不要告诉家人，以免打扰。"],
    },
}

ZH_FRAUD["pig_butchering_investment"] = {
    "values": {"app": ["星辰交易所", "CoinFX", "币安Pro", "MetaBit", "汇鑫国际", "鑫宝理财", "金盈通", "华尔街Pro", "BitGlobal"]},
    "forms": ["open? pre hook cta? close?4", "pre hook? cta", "open pre2 hook cta?7 close?4", "sig?3 pre3 hook cta urg?4"],
    "slots": {
        "sig": ["【{app}】", "【投资者服务】", "【{sur}老师课堂】", "【财经内参】", "【牛股群】"],
        "open": ["哥哥，", "{亲爱的|宝贝|亲}，", "早安{哥|姐|亲爱的}，", "{name}，", "在吗？", "哥，跟你说个事，", "姐，",
                 "{老公|老婆}，", "你好，我是上次{在婚恋网|在交友软件|打错电话}认识的{小|}{sur}，", "晚上好呀，",
                 "我是{sur}老师的助理，", "{name}你好，我们之前在{读书会|股民群}聊过，"],
        "pre": ["我{舅舅|叔叔|表哥}在{交易所|基金公司|投行}工作，{今天|这周}有内部数据", "我最近跟着导师做{数字货币|外汇|黄金}，收益很稳",
                "这个平台有漏洞，{晚上|周五}{n}点准时开单", "我上个月在{app}赚了{big}", "导师{带单|喊单}，胜率{pct}以上",
                "我们的平台是{海外持牌|国际合规}的，资金安全", "这次机会难得，我都投了{big}", "一起为我们的未来努力吧",
                "我想和你一起攒钱买房", "免费荐股，每天{n}只牛股", "{USDT|比特币|以太坊}合约，{n}倍杠杆，稳赚",
                "老师今天的课讲的{黄金|原油}，你听了吗"],
        "pre2": ["我跟你说的那个平台今天又涨了", "你试一下小额的，就当练手", "上次给你的链接注册了吗",
                 "今天导师带单收益{pct}", "你别告诉别人哦，这个渠道很少人知道", "我不是骗你，你看我的收益截图"],
        "pre3": ["投资者福利：免费加入{sur}老师{牛股|财经}群", "跟着导师做{USDT|外汇}，月收益{pct}", "内部渠道新股认购，稳赚不赔",
                 "私募基金内部份额开放认购，保本保息"],
        "hook": ["先{充|投}{money}试试水，赚了再加", "{今晚|明天}{n}点开单，你先把钱充进去", "提现需要先缴{pct}的{个人所得税|风险保证金}",
                 "你的账户因为{流水不足|操作违规}被冻结，需要交{big}解冻", "平台要求{升级VIP|补足保证金}才能提现",
                 "{稳赚不赔|保本保收益}，比存银行强多了", "错过这次就要等半年", "最低{money}起投"],
        "cta": ["下载{app}注册，邀请码{code}", "用这个链接注册：{flink}", "加{sur}老师微信{wx}", "进群{flink}",
                "充值转到平台客服给的账户", "把钱转到{app}里", "加我的QQ{qq}，我教你", "注册后把截图发我"],
        "urg": ["名额有限，{今天|今晚}截止", "机会只有{n}天", "明天就没有了"],
        "close": ["别跟家里人说，他们不懂。", "相信我，我不会害你的。", "这是我们的秘密哦。", "等你好消息~", "爱你❤", "晚安。"],
    },
}

ZH_FRAUD["online_gambling"] = {
    "values": {"app": ["鼎盛娱乐", "皇冠体育", "澳门新葡京", "威尼斯人", "亚博", "金沙娱乐", "开元棋牌"]},
    "forms": ["sig?5 pre hook? cta urg?4 close?4", "pre cta", "sig?3 open? pre hook cta", "pre2 cta close?5"],
    "slots": {
        "sig": ["【{app}】", "【澳门{葡京|银河|威尼斯人}】", "【亚洲体育】", "【皇冠】", "【VIP会员中心】", "【彩票计划】"],
        "open": ["老板好，", "尊贵的VIP：", "恭喜！", "{name}先生，", "兄弟，", "好消息！"],
        "pre": ["注册即送{small}{彩金|体验金}", "{首充|首存}送{pct}，{百家乐|真人视讯|电子游戏}", "世界杯{竞猜|投注}，赔率全网最高",
                "{时时彩|快三|北京PK10}计划导师带，包赢", "{正规|官方}博彩平台，提款{秒到|无上限}", "{捕鱼|老虎机}爆分，充{money}送{money2}",
                "澳门线上{赌场|娱乐}，24小时真人荷官", "六合彩内部资料，{n}码必中", "体育{足球|篮球}实时盘，{每日|每周}返水{pct}",
                "您的账户有{big}彩金待领取", "{n}元即可参与，中奖{big}", "充值{money}翻倍，大额无忧"],
        "pre2": ["菠菜平台注册送{small}", "百家乐稳赢技巧，加{wx}", "彩票导师带单，日赚{money}", "老虎机爆分包赢"],
        "hook": ["存款{秒到|即时到账}，提款{n}分钟到账", "输了{包赔|返水}{pct}", "{n}倍流水即可提现", "{大额|无限}出款，安全无忧",
                 "推荐好友再送{small}", "中奖后需缴纳{pct}手续费才能出款", "账户异常需补充流水{big}"],
        "cta": ["点击{flink}注册", "下载{app}", "加微信{wx}", "官网{flink}", "联系客服{qq}", "扫码进群领彩金：{flink}", "备用网址{flink}"],
        "urg": ["{今日|限时}有效", "活动仅剩{n}天", "名额有限"],
        "close": ["祝君好运！", "回T退订", "诚信第一。", "千万别告诉别人这个网址。", "财源滚滚！"],
    },
}

ZH_FRAUD["sextortion_naked_chat"] = {
    "values": {"app": ["同城约", "蜜聊", "夜色", "缘来聊", "心跳直播", "夜蝶"]},
    "forms": ["open? pre hook? cta close?4", "pre cta", "open? ext threat cta2 close2?5", "ext threat cta2"],
    "slots": {
        "open": ["哥哥，", "{寂寞|无聊}吗？", "{帅哥|哥哥}你好，", "在吗，", "{name}，", "嗨~", "晚上好，"],
        "pre": ["同城美女一对一{视频|私密聊天}", "{寂寞|单身}的我想找个人聊聊", "私密{直播|视频}，尺度大，{n}分钟{small}",
                "附近{n}公里有人在等你", "我一个人在家，想{视频|聊天}吗", "同城交友，{可约|见面}，真人认证",
                "{高颜值|大学生|少妇}私密{视频|服务}", "看你头像挺帅的，加个好友聊聊"],
        "hook": ["先下载{app}，用这个跟你视频", "{视频|聊天}需要下载专用软件，更安全", "先交{small}{定金|会员费}才能开通",
                 "需要先刷{small}礼物解锁", "安装后需要给通讯录权限"],
        "cta": ["加QQ{qq}", "加我微信{wx}", "下载{flink}", "点{flink}", "加{wx}，备注“约”", "扫码{flink}进房间"],
        "ext": ["{name}，你的{裸聊|视频}我们已经录下来了", "你的通讯录我们已经{拷贝|全部下载}", "你刚才的视频我们都截屏了",
                "不想让你的{家人|同事|领导}看到这段视频吧", "你{手机里|通讯录}的{n}百个联系人我们都有"],
        "threat": ["不转{big}就发给你通讯录所有人", "{n}小时内转{big}，否则{发到你公司群|发到你家人手机|上传网上}", "转{big}后删除视频",
                   "敢报警就{直接发给你老婆|立即全部群发}", "先转{money}封口费"],
        "cta2": ["转到{acct}", "加{wx}处理", "联系QQ{qq}", "转{USDT|比特币}到指定地址", "付款后截图发{wx}"],
        "close": ["期待你哦~", "等你❤", "么么哒", "快来~"],
        "close2": ["别耍花样。", "我们说到做到。", "不要告诉任何人。", "时间不多了。"],
    },
}

ZH_FRAUD["fake_online_shopping"] = {
    "forms": ["sig?4 open? pre hook? cta urg?4 close?3", "pre cta", "open pre hook cta", "sig?3 pre2 cta urg?5"],
    "slots": {
        "sig": ["【{plat}特卖】", "【工厂直销】", "【尾货清仓】", "【海外代购】", "【内部福利】", "【官方授权】"],
        "open": ["亲，", "老板好，", "好消息：", "福利来了！", "{name}您好，", "内部渠道："],
        "pre": ["{iPhone|华为Mate|iPad}内部渠道价{money}", "{茅台|五粮液}原价{money2}，现{money}", "{名牌包|奢侈品}工厂尾单{n}折",
                "演唱会门票{低价|原价}转让，{内场|前排}", "{海关罚没|抵账}{汽车|手机|手表}低价处理", "正品{球鞋|化妆品}{n}折清仓",
                "{特价|秒杀}{茅台|黄金|金条}限量", "{电动车|空调|冰箱}厂家直销{n}折", "二手{相机|游戏机|显卡}{money}出，九成新",
                "{粉丝|会员}专享：{n}元{抢|购}{iPhone|无人机}", "口罩/药品{紧缺|特效}货源，现货", "{宠物|猫咪|狗狗}低价领养，包邮"],
        "pre2": ["{iPhone|茅台}半价，先到先得", "清仓处理，{n}折包邮", "门票转让，加{wx}", "罚没车辆低价处理"],
        "hook": ["先付{定金|全款}{money}，{n}天内发货", "加微信私下交易更便宜", "不走平台可以再便宜{small}", "运费{small}到付，先付款后发货",
                 "需要先交{small}保证金锁定名额", "{货到付款|支持验货}，先付{small}订金"],
        "cta": ["加微信{wx}下单", "点击{flink}购买", "联系{phone}", "加QQ{qq}看实拍", "扫码付款：{flink}", "进店{flink}"],
        "urg": ["仅剩{n}件", "{deadline}截止", "手慢无", "今日特价"],
        "close": ["回T退订", "假一赔十。", "包邮到家。", "全国可发。"],
    },
}

ZH_FRAUD["game_trading"] = {
    "values": {"app": ["易游宝", "淘号王", "号贩子", "游戏交易宝", "代练通Pro"]},
    "forms": ["sig?4 open? pre hook? cta urg?4 close?3", "pre cta", "open? pre hook cta", "sig?4 pre2 hook? cta"],
    "slots": {
        "sig": ["【{game}】", "【{game}官方】", "【游戏客服】", "【交易猫】", "【{app}】", "【腾讯游戏】"],
        "open": ["亲爱的玩家，", "召唤师您好，", "{name}，", "兄弟，", "玩家您好：", "恭喜您！"],
        "pre": ["{game}{满级|全皮}账号低价出，{money}", "免费领{game}{限定皮肤|传说皮肤|{n}千点券}", "{game}充值{n}折，{点券|钻石|原石}秒到",
                "您的{game}账号因{违规|异常登录}被封，可申请解封", "{game}代练/代充，{n}折", "低价出{装备|皮肤|金币}，{game}全区",
                "您在交易平台出售的{game}账号已被买家下单", "{game}内部福利号，一折充值", "{game}周年庆，{n}元领{稀有|限定}皮肤"],
        "pre2": ["{game}皮肤免费领", "{game}账号{money}出", "游戏币一折", "{game}解封专线"],
        "hook": ["买家已付款，您需先缴纳{保证金|认证费}{fee}才能提现", "账户被冻结，需支付{解冻费|押金}{fee}", "私下交易更便宜，不收手续费",
                 "先付{small}定金，换绑后付尾款", "需要提供账号密码和验证码领取", "填写QQ号和密码即可领取"],
        "cta": ["点击{flink}领取", "加QQ{qq}交易", "加微信{wx}", "登录{flink}", "下载{app}", "扫码{flink}"],
        "urg": ["{deadline}截止", "限量{n}份", "今天最后一天"],
        "close": ["祝您游戏愉快！", "不要告诉别人哦。", "先到先得。"],
    },
}

ZH_FRAUD["overseas_recruitment"] = {
    "forms": ["sig?4 open? pre hook cta urg?3 close?4", "pre cta", "open pre hook? cta close?4", "pre2 hook cta"],
    "slots": {
        "sig": ["【海外招聘】", "【{company}】", "【出国劳务】", "【高薪直聘】"],
        "open": ["{你好|您好}，", "{name}你好，", "兄弟，", "高薪招聘！", "急招："],
        "pre": ["{country}{客服|打字员|业务员|荷官}，月薪{salary}", "{country}{ocity}{电商|网络公司}招聘，底薪加提成{salary}",
                "出国劳务，{country}工厂{包吃住|机票报销}，月入{salary}", "{country}{高薪|轻松}工作，不需要学历经验",
                "{country}游戏公司招{推广|运营}，年薪{n}十万", "朋友在{country}开公司，缺人手，待遇{salary}",
                "{country}{酒店|赌场|园区}招聘{文员|后勤}，包机票", "海外{直播|翻译}岗位，日结{money}"],
        "pre2": ["{country}高薪{salary}/月，包吃住", "出国打工，机票报销，月入{salary}", "{ocity}招人，轻松月入{salary}"],
        "hook": ["{护照|签证}我们来办，落地有人接", "先去{云南|广西}边境，再安排过去", "机票报销，工资月结", "不需要外语，会打字就行",
                 "到了先培训{n}天", "需先交{fee}{中介费|签证费|体检费}", "{不用|不需要}护照，走小路过去"],
        "cta": ["加微信{wx}详聊", "联系{phone}", "加Telegram @{wx}", "QQ{qq}报名", "点击{flink}报名"],
        "urg": ["{n}个名额，先到先得", "本周出发", "{deadline}前报名"],
        "close": ["别告诉家里人，挣了钱再说。", "机会难得。", "诚信招聘。", "来了就是兄弟。"],
    },
}

ZH_FRAUD["elderly_care_investment"] = {
    "values": {"app": ["盼达养老", "福寿通", "国寿养老宝", "康养通", "银发惠"]},
    "forms": ["sig?5 open? pre hook cta urg?4 close?3", "pre cta", "sig?4 open pre hook? cta close?4", "pre2 hook cta"],
    "slots": {
        "sig": ["【{city}养老服务中心】", "【{app}】", "【老年健康协会】", "【养老金管理中心】", "【{company}健康】", "【国家养老项目】"],
        "open": ["{叔叔|阿姨|大爷|大妈}您好，", "尊敬的老年朋友：", "{name}{老先生|阿姨}，", "您好，", "好消息！", "{爷爷|奶奶}好，"],
        "pre": ["{养老公寓|养老院}床位预售，{入股|认购}年息{pct}", "国家{养老|扶贫}项目认购，{保本|政府兜底}，月返{pct}",
                "{以房养老|养老理财}，房产抵押每月领{money}", "您的养老金可申请上调{money}/月", "养老金补发{money}待领取，需缴手续费",
                "免费{体检|健康讲座}，到场送{鸡蛋|米面油}", "{降血压|治糖尿病|抗癌}特效{保健品|神药}，{n}个疗程根治",
                "{纪念币|邮票|藏品}回收，{升值|翻倍}{n}倍", "{老年|中老年}旅游{n}日游只要{small}", "高龄补贴{money}发放，需本人认证",
                "{养老基金|健康产业}内部认购，{n}个月翻倍", "{量子|磁疗}{床垫|按摩椅}，免费体验，治百病"],
        "pre2": ["养老金上调，点击认证", "免费领鸡蛋，来听健康讲座", "养老项目月息{pct}", "高龄补贴待领取"],
        "hook": ["先交{fee}{会员费|认购金|手续费}锁定{名额|床位}", "{政府兜底|保本保息}，比存银行划算", "名额有限，先交定金",
                 "需提供{银行卡|身份证}和验证码办理", "买{n}个疗程送{n}个疗程", "签约当天返{money}"],
        "cta": ["拨打{phone}预约", "点击{flink}认证", "到{city}{road}报名", "加微信{wx}", "回复1预约", "下载{app}办理"],
        "urg": ["{deadline}截止", "仅限{n}位", "过期作废"],
        "close": ["不要告诉子女，他们不懂投资。", "为您的晚年生活保驾护航。", "祝您健康长寿！", "回T退订"],
    },
}

ZH_FRAUD["other"] = {
    "values": {"app": ["ETC助手", "医保服务Pro", "积分宝", "个税退税", "掌上电力Pro"]},
    "forms": ["sig?7 open?4 pre hook?5 cta urg?5 close?3", "sig?6 pre cta", "sig?5 pre2 cta urg?5", "open pre hook cta"],
    "slots": {
        "sig": ["【{courier}】", "【{bank}】", "【ETC服务】", "【交管12123】", "【个税服务】", "【医保服务】", "【{oper}】",
                "【积分商城】", "【国网电力】", "【燃气公司】", "【补贴发放中心】", "【中奖通知】", "【{plat}】", "【12306】"],
        "open": ["尊敬的{客户|用户|车主}：", "{name}您好，", "您好，", "温馨提示：", "通知：", "恭喜您，"],
        "pre": ["您的包裹因{地址不详|超重|未缴关税}{无法派送|被退回}", "您的快递需补缴{small}{运费|关税}后重新派送",
                "您的{bank}账户{已被暂停|存在风险|即将冻结}，请验证身份", "您的{ETC|ETC卡}已{失效|被停用}，需重新认证",
                "您的车辆{plate}有一条{违章|超速}未处理，罚款{small}", "您有一笔个税退税{money}待领取",
                "您的医保卡{即将过期|需要年审|已被暂停}", "您的手机号被抽中{一等奖|幸运奖}，奖金{big}",
                "您的{oper}积分{pts}即将{清零|过期}，可兑换{money}现金", "您的{电费|水费|燃气费}欠费{small}，将于{date}停{电|水|气}",
                "您可领取{育儿|就业|电费|消费}补贴{money}", "您的{bank}{信用卡|借记卡}{安全验证|年审}未完成",
                "您的{12306|携程}车票改签退款{money}待确认", "您的{微信|支付宝}账户存在风险，已被限制收款",
                "您的{房屋|车辆}补贴{money}已到账待领取", "您的驾照{积分|年检}即将过期"],
        "pre2": ["包裹派送失败，请更新地址", "账户已冻结，验证解冻", "ETC失效，速认证", "违章待处理，罚款{small}",
                 "退税{money}待领取", "积分{pts}今日清零", "奖金{big}待领取", "电费欠费，即将停电", "补贴{money}待领"],
        "hook": ["需支付{small}{服务费|手续费|补缴费}", "需验证银行卡信息", "完成认证后即可恢复", "领取需填写银行卡号及验证码",
                 "需缴纳{pct}{个人所得税|公证费}后发放", "逾期将{影响征信|扣分|销户}"],
        "cta": ["点击{flink}{处理|办理|领取|更新}", "登录{flink}", "请访问{flink}", "详情{flink}", "戳{flink}", "回复1办理",
                "请拨打{phone}", "进入{flink}认证"],
        "urg": ["{deadline}前有效", "逾期作废", "{n}小时内处理", "过期将{停用|清零|销户}"],
        "close": ["回T退订", "谢谢。", "祝您生活愉快！", "请勿回复本短信。"],
    },
}


# --------------------------------------------------------------------------
# Chinese legitimate phrase banks (look-alikes share fraud's vocabulary)
# --------------------------------------------------------------------------

ZH_LEGIT = {}

ZH_LEGIT["bank_alert"] = (450, {
    "forms": ["sig main bal?6 tail?3", "sig main tail?4", "sig? main2 bal?5", "sig main3 tail?5"],
    "slots": {
        "sig": ["【{bank}】"],
        "main": ["您尾号{tail}的{储蓄卡|借记卡|账户}{date} {time}{转账|网银|快捷|POS|ATM}{支出|存入|收入|消费|取款}{money}",
                 "您尾号{tail}卡{time}通过{支付宝|微信支付|财付通|云闪付}支付{small}",
                 "您账户{tail}于{date}{time}收到{工资|代发工资|报销款|转账}{money}",
                 "{name}，您尾号{tail}信用卡{date}消费{money}",
                 "您的账户{tail}{date}向{name}转账{money}，手续费0.00元",
                 "您尾号{tail}账户{date}{time}退款入账{small}",
                 "您尾号{tail}的账户{time}完成{跨行转账|手机银行转账}{money}，收款人{sur}*{n}",
                 "您尾号{tail}卡{date}代扣{水费|电费|燃气费|话费|医保费}{small}"],
        "main2": ["您{date}的账单金额{money}，到期还款日{date2}", "您尾号{tail}账户余额不足，请及时存入以免影响代扣",
                  "您尾号{tail}的定期存款{money}已到期转存", "您{date}申请的转账{money}已成功到账", "您尾号{tail}的借记卡已{激活|换卡成功}",
                  "您的账户因长期未使用已转为{久悬|不动户}，如需使用请本人携带身份证到网点办理，我行不会通过短信链接办理",
                  "您尾号{tail}账户因{连续输错密码|安全原因}暂被锁定，请本人持身份证至网点或通过{bank}手机银行APP解锁",
                  "您办理的{房贷|车贷}本期扣款{money}成功"],
        "main3": ["您尾号{tail}的账户正在进行{转账|绑卡|支付}，验证码{code}，{如非本人操作请勿泄露|切勿告诉他人}",
                  "您尾号{tail}账户冻结资金{money}已于{date}解除冻结，系{理财到期|司法程序|交易结算}所致，详情请咨询网点",
                  "您尾号{tail}账户{date}收到退款{small}，交易对方{plat}"],
        "bal": ["余额{money2}。", "可用余额{money2}。", "当前余额{money2}元。", "【余额{money2}】"],
        "tail": ["如有疑问请致电{bankhot}。", "客服{bankhot}。", "{bank}不会以任何理由要求您转账至“安全账户”。",
                 "验证码请勿泄露。", "详询{bankhot}或登录{bankdom}。"],
    },
})

ZH_LEGIT["otp"] = (400, {
    "forms": ["sig main warn?8", "sig? main warn", "sig main2"],
    "slots": {
        "sig": ["【{plat}】", "【{bank}】", "【12306】", "【{oper}】", "【微信】", "【支付宝】", "【滴滴出行】", "【美团】", "【哔哩哔哩】",
                "【网易】", "【国家政务服务平台】", "【个人所得税】", "【交管12123】", "【{company}】", "【腾讯科技】", "【高德地图】"],
        "main": ["验证码{code}，您正在{登录|注册|修改密码|绑定手机号|进行身份验证}", "您的验证码是{code}，{n}分钟内有效",
                 "{code}（{plat}验证码），用于{登录|找回密码}", "校验码：{code}。您正在办理{转账|支付|绑卡}业务，金额{money}",
                 "动态密码{code}，{n}分钟内有效", "您正在申请解冻账户，验证码{code}", "验证码：{code}，用于{name}的实名认证",
                 "您的登录验证码为{code}", "本次操作验证码为{code}，有效期{n}分钟"],
        "main2": ["{code}是您的验证码。", "验证码{code}，有效期{n}分钟，请勿泄露给他人。", "您好，您的验证码是：{code}"],
        "warn": ["{请勿|切勿}{泄露|告知他人|转发}。", "工作人员不会向您索要，请勿泄露。", "如非本人操作，请忽略本短信。",
                 "任何人索要验证码都是诈骗，请勿告诉任何人。", "验证码即密码，切勿告诉他人，包括自称客服的人。",
                 "如非本人操作，请立即修改密码。", "谨防诈骗。"],
    },
})

ZH_LEGIT["delivery"] = (400, {
    "forms": ["sig main more?6", "sig? main", "sig main2 more?5", "sig main3"],
    "slots": {
        "sig": ["【{courier}】", "【{station}】", "【菜鸟】", "【丰巢】", "【{plat}】", "【京东物流】"],
        "main": ["您的快递已到{station}，取件码{shelf}，请于{time}前领取", "您的包裹已由{courier}快递员{sur}师傅揽收，运单号{track}",
                 "您的{courier}包裹{track}正在派送中，快递员{sur}师傅电话{courhot}转{code}",
                 "凭取件码{code}到{district}{station}取件，营业至{time}", "您购买的商品已发货，{courier}单号{track}",
                 "您的快递已放{小区快递柜|门卫室|丰巢柜}，取件码{code}", "您的包裹今日无法派送，已改约{weekday}派送",
                 "您的包裹已签收，签收人：{本人|家人|门卫}，如有疑问联系{courhot}", "您的退货已由{courier}揽收，{plat}将在签收后退款"],
        "main2": ["运单{track}派送异常：收件地址不详，快递员将电话联系您，{courier}不会要求您点击链接或支付额外费用",
                  "您的国际包裹{track}已清关，如需缴纳税款请在{plat}订单页或{courdom}查询，勿轻信短信链接",
                  "您的包裹{track}已滞留{n}天，请及时到{station}领取，逾期将退回"],
        "main3": ["{courier}：您的快递{track}已到达{city}转运中心", "{station}提醒：您有{n}个包裹未取，取件码{code}"],
        "more": ["查询请访问{courdom}", "客服{courhot}", "详情见{plat}APP“我的订单”", "物流查询{courdom}/track", "回复TD退订"],
    },
})

ZH_LEGIT["bill"] = (280, {
    "forms": ["sig main tail?6", "sig main2"],
    "slots": {
        "sig": ["【{bank}信用卡】", "【{oper}】", "【国家电网】", "【{city}水务】", "【{city}燃气】", "【物业服务中心】", "【{bank}】",
                "【ETC】", "【中国人寿】", "【平安保险】"],
        "main": ["您{date}账单应还{money}，最低还款{small}，到期还款日{date2}", "您本月话费{small}，账户余额{small2}，请及时缴费",
                 "户号{order}本期电费{small}，请于{date}前缴纳", "您本期水费{small}，缴费可通过{支付宝|微信|网上国网APP}",
                 "您的{车险|寿险|医疗险}将于{date}到期，续保请联系您的{客户经理|代理人}{sur}先生",
                 "物业费{money}已出账，可在业主APP或物业前台缴纳", "您的ETC账户{date}通行扣费{small}，{收费站|高速}通行记录可在APP查询",
                 "您的燃气费余额不足{small}，请及时充值以免影响使用", "您本月花呗账单{money}，还款日{date}"],
        "main2": ["您的信用卡本期账单已出，请登录{bank}手机银行查询，我行不会发送含链接的还款短信",
                  "您{date}的自动扣款{small}失败，请确认账户余额", "您已成功缴纳{电费|水费|话费}{small}，感谢使用"],
        "tail": ["如已还款请忽略。", "详询{bankhot}。", "回T退订", "感谢您的支持。", "官方缴费渠道请认准{operdom}。"],
    },
})

ZH_LEGIT["operator"] = (280, {
    "forms": ["sig main tail?6", "sig main2 tail?4"],
    "slots": {
        "sig": ["【{oper}】"],
        "main": ["截至{date}{time}，您本月已使用国内流量{gb}，剩余{gb2}", "您的套餐内通话剩余{nn}分钟", "您本月积分{pts}，可在{oper}APP兑换话费或流量",
                 "您已成功订购{gb}流量包，费用{small}，次月自动失效", "您的手机号已实名登记，感谢配合",
                 "您的{5G|宽带}套餐将于{date}到期，续约请到营业厅或APP办理", "您当前账户余额{small}，为避免停机请及时充值",
                 "您申请的套餐变更已受理，下月1日生效", "您的积分{pts}将于年底清零，可登录{operdom}兑换"],
        "main2": ["近期有不法分子冒充运营商以“积分兑换”为由发送链接，{oper}积分兑换请认准官方APP", "您的号码已开通来电提醒服务",
                  "{oper}提醒：您的账户已欠费{small}，停机后缴清即可恢复"],
        "tail": ["详询{operhot}。", "退订回TD。", "更多请登录{operdom}。", "{oper}营业厅APP可查询。"],
    },
})

ZH_LEGIT["marketing"] = (330, {
    "forms": ["sig main offer? opt", "sig main opt", "sig? main2 opt"],
    "slots": {
        "sig": ["【{plat}】", "【{company}】", "【{bank}】", "【瑞幸咖啡】", "【肯德基】", "【屈臣氏】", "【优衣库】", "【麦当劳】", "【名创优品】",
                "【{city}万达广场】", "【携程旅行】", "【{oper}】"],
        "main": ["{双十一|618|年货节|周年庆}来啦！全场{n}折起", "您的会员{优惠券|满减券}{small}已到账", "新品上市，会员专享价{small}",
                 "{周末|本周}门店{满{nn}0减{nn}|第二杯半价}", "您关注的商品降价了，现价{small}", "积分{pts}可兑换好礼，{date}截止",
                 "生日快乐！送您{small}生日券", "{春季|夏季|秋冬}新品{n}折，到店即享", "签到领{small}红包，可叠加使用"],
        "main2": ["{date}至{date2}，全场满{nn}0减{nn}", "亲爱的会员，您有{n}张券即将过期"],
        "offer": ["详见APP。", "戳{platdom}查看。", "门店地址：{city}{road}。", "详情{platdom}"],
        "opt": ["回T退订", "退订回T", "拒收请回复R", "回TD退订", "退订回N"],
    },
})

# Genuine offers read most like prizes and loans: coupons and red packets to claim on the
# platform's own site or app, banks' credit-limit and loan offers to apply for in their own app.
ZH_LEGIT["offers"] = (260, {
    "forms": ["sig main where opt", "sig main2 where? opt", "sig main3 opt"],
    "slots": {
        "sig": ["【{plat}】", "【{bank}】", "【{bank}信用卡】", "【{oper}】", "【{plat}会员】"],
        "main": ["恭喜您获得{新人专享|会员专属|限时}{优惠券|红包|补贴}{small}", "送您一张{small}{无门槛|满减}券，{今日|本周|{date}前}有效",
                 "您有{n}个红包待领取，最高{small}", "恭喜您抽中{免单|半价|{n}折}资格", "{百亿补贴|品牌补贴|消费券}已发放到您的账户，{small}可用"],
        "main2": ["尊敬的客户，您的信用卡{可申请|已获得}临时额度{提升|调整}资格，最高可至{money}", "您的账单可申请分期，{n}期手续费{低至|仅}{pct}",
                  "{快贷|闪电贷|e贷|信用贷}{限时优惠|利率下调}，年化利率{低至|最低}{pct}，最高{money}", "您已获得{bank}{消费贷|装修贷}预授信额度{money}"],
        "main3": ["{plat}{年中|周年|会员日}福利：{small}红包已到账，打开{plat}APP{首页|“我的”}领取", "您的{积分|金币}{pts}即将过期，可在{plat}APP兑换{small}券"],
        "where": ["点击{platdom}领取", "打开{plat}APP领取", "登录手机银行申请", "详询{bankhot}", "详见{plat}APP", "戳{platdom}查看", "请通过官方APP办理"],
        "opt": ["回T退订", "退订回T", "拒收请回复R", "回TD退订", "退订回N"],
    },
})

ZH_LEGIT["antifraud"] = (350, {
    "forms": ["sig main more? tail?5", "sig main", "sig? main2 tail?4"],
    "slots": {
        "sig": ["【国家反诈中心】", "【{city}公安】", "【{city}反诈中心】", "【{city}市公安局】", "【{bank}】", "【{oper}】", "【{district}派出所】",
                "【96110】"],
        "main": ["公检法机关不会通过电话办案，更没有“安全账户”", "凡是让您转账到“安全账户”的都是诈骗",
                 "网络刷单返利都是诈骗，不要垫付任何资金", "陌生人让您下载APP、开启屏幕共享，一定是诈骗",
                 "贷款前要求缴纳解冻费、保证金的都是诈骗", "冒充客服说要帮您“退款”“理赔”“注销校园贷”的都是诈骗",
                 "“投资导师”带你赚钱，稳赚不赔的平台都是诈骗", "自称领导、熟人加您微信借钱，务必电话或当面核实",
                 "正规机构从不要求缴纳“解冻费”，请勿转账", "我们发现您可能正在接触诈骗，请立即停止转账",
                 "警方提示：网上“高薪招聘”出境务工很可能是诈骗陷阱", "不听、不信、不转账，接到96110来电请务必接听",
                 "近期“ETC失效”“医保卡停用”诈骗短信高发，请勿点击陌生链接", "您的{家人|亲属}可能正在遭遇电信诈骗，民警将与您联系",
                 "裸聊敲诈、游戏账号交易诈骗高发，请提醒孩子"],
        "main2": ["请下载国家反诈中心APP，开启来电预警", "如遇诈骗请拨打110或96110", "请在转账前先核实对方身份"],
        "more": ["如已转账请立即拨打110。", "请下载国家反诈中心APP。", "不要告诉任何人验证码。", "请勿点击陌生链接。",
                 "遇到可疑情况请拨打96110。", "民警不会要求您缴纳任何费用。"],
        "tail": ["{city}公安提醒您。", "国家反诈中心提醒。", "守好钱袋子。", "请转告家人。"],
    },
})

ZH_LEGIT["government"] = (330, {
    "forms": ["sig main tail?6", "sig main2 tail?5"],
    "slots": {
        "sig": ["【国家税务总局{city}市税务局】", "【{city}人社】", "【{city}医保】", "【{city}疾控】", "【{city}教育考试院】", "【交管12123】",
                "【{city}公积金】", "【{district}街道办】", "【{city}政务服务】", "【国家政务服务平台】"],
        "main": ["{2024|2025}年度个人所得税综合所得汇算已开始，请通过个人所得税APP办理，谨防假冒退税短信",
                 "您的{城乡居民医保|养老保险}{date}前缴费，可通过{银行|税务APP|微信城市服务}办理",
                 "您已成功预约{新冠|流感|HPV|狂犬}疫苗接种，时间{date}{time}，地点{district}社区卫生服务中心",
                 "您报名的{普通话水平测试|教师资格考试|英语四六级|公务员考试}准考证可于{date}起在官网打印",
                 "您的机动车{plate}于{date}在{road}有交通违法记录，请通过交管12123APP查询处理，不要点击不明链接",
                 "您的社保卡已制卡完成，请持身份证到{district}社保服务网点领取", "您的公积金{提取|贷款}申请已审核通过，资金将于{n}个工作日内到账",
                 "您的居住证已办理完成，请到{district}派出所领取", "您的医保个人账户{date}划入{small}",
                 "您的{育儿|高龄}补贴{small}已发放至社保卡金融账户，无需任何手续费"],
        "main2": ["税务部门不会通过短信链接要求您办理退税，请认准个人所得税APP", "医保部门不会以“医保卡冻结”为由要求转账",
                  "{date}起{district}开展{消防|燃气}安全检查，请配合", "您的{驾驶证|身份证}将于{date}到期，请及时换领"],
        "tail": ["咨询电话12366。", "咨询12333。", "详询12345。", "特此通知。", "感谢配合。"],
    },
})

ZH_LEGIT["appointment"] = (230, {
    "forms": ["sig main tail?6"],
    "slots": {
        "sig": ["【{hosp}】", "【{company}】", "【{bank}】", "【{city}车管所】", "【美团】", "【{school}】"],
        "main": ["您已预约{date}{time}{dept}{sur}医生门诊，请提前{n}0分钟到院取号", "您的体检预约{date}上午，请空腹前往",
                 "您预约的{保养|维修}服务{date}{time}，地址{city}{road}", "您已成功预约{date}{time}网点办理{开户|业务}，请携带身份证",
                 "{name}家长：{date}{time}召开家长会，地点{grade}年级教室", "您预订的{餐厅|包间}{date}{time}，{n}位，保留15分钟",
                 "您的{理发|美容|洗牙}预约已确认，时间{date}{time}", "您的面试时间改为{date}{time}，地点{city}{road}{company}"],
        "tail": ["如需取消请提前致电。", "期待您的到来。", "回复1确认。", "谢谢。"],
    },
})

ZH_LEGIT["ride_food"] = (230, {
    "forms": ["sig main"],
    "slots": {
        "sig": ["【滴滴出行】", "【美团】", "【饿了么】", "【高德打车】", "【曹操出行】", "【T3出行】", "【{city}地铁】", "【12306】"],
        "main": ["司机{sur}师傅已接单，车牌{plate}，预计{n}分钟到达", "您的外卖已由骑手{sur}师傅配送中，预计{time}送达",
                 "您的订单已送达，祝您用餐愉快", "行程已结束，费用{small}，已从{微信|支付宝}扣款",
                 "您购买的{date}{G|D}{nn}{n}次列车车票已出票，{n}车{nn}座", "您的订单骑手已取餐，联系骑手请使用虚拟号",
                 "司机已到达上车点，请尽快上车", "您的退款{small}已原路退回，{1-3|1-5}个工作日到账", "您的行程安全号码：{code}"],
    },
})

ZH_LEGIT["login"] = (230, {
    "forms": ["sig main tail?6"],
    "slots": {
        "sig": ["【微信】", "【QQ安全中心】", "【支付宝】", "【{plat}】", "【{bank}】", "【网易邮箱】", "【百度】", "【Apple】"],
        "main": ["您的账号于{date}{time}在新设备（{city}）登录", "您的登录密码已修改成功", "您的账号在{city}异地登录，如非本人操作请及时修改密码",
                 "您已成功绑定新手机号", "您正在重置支付密码，验证码{code}", "您的账号已开启登录保护", "检测到您的账号{time}在{Windows|iPhone|安卓}设备登录"],
        "tail": ["如非本人操作，请在APP内“安全中心”冻结账号。", "官方不会索要您的验证码。", "请勿点击任何陌生链接。", "如有疑问请登录官方APP处理。"],
    },
})

ZH_LEGIT["job"] = (200, {
    "forms": ["sig? main tail?6"],
    "slots": {
        "sig": ["【{company}】", "【BOSS直聘】", "【智联招聘】", "【前程无忧】", "【{city}人才市场】"],
        "main": ["您投递的{会计|销售|前端开发|行政助理|仓管}岗位已通过初筛，面试时间{date}{time}，地点{city}{road}",
                 "{name}您好，我是{company}人事{sur}女士，想邀请您{date}来面试{运营|设计|客服}岗位",
                 "恭喜您通过面试，入职时间{date}，请携带身份证、学历证明原件", "{city}{date}举办大型招聘会，{nn}0家企业参会，免费入场",
                 "您的简历已被{company}查看", "我司招聘{司机|厨师|电工}，月薪{n}千至{n2}千，五险一金，欢迎来电{company}人事部"],
        "tail": ["我司招聘不收取任何费用。", "如有疑问请回复。", "期待您的加入。", "回T退订"],
    },
})

ZH_LEGIT["wealth"] = (200, {
    "forms": ["sig main risk opt"],
    "slots": {
        "sig": ["【{bank}】", "【{bank}财富】", "【{bank}私人银行】"],
        "main": ["我行{稳健|R2}理财新品发售，业绩比较基准{pct}，起购{money}", "{养老|目标日期}基金定投开放，详见手机银行",
                 "个人养老金账户开户享{small}立减金", "{大额存单|定期存款}利率上调，详情请咨询网点", "您的理财产品{date}到期，本金及收益已到账",
                 "{date}{time}在{district}支行举办投资者教育讲座"],
        "risk": ["理财非存款，产品有风险，投资须谨慎。", "过往业绩不代表未来表现。", "请通过手机银行或网点购买。"],
        "opt": ["回T退订", "退订回TD"],
    },
})

ZH_LEGIT["lookalike_notice"] = (190, {
    "forms": ["sig main tail?6"],
    "slots": {
        "sig": ["【{plat}】", "【{courier}】", "【{bank}】", "【ETC】", "【{oper}】", "【携程旅行】"],
        "main": ["您申请的退款{small}已退回原支付账户，请注意查收", "您的订单{order}已取消，退款{small}将于{1-3|1-7}个工作日到账",
                 "您的快递理赔申请已受理，赔付{small}将退回至{plat}账户，无需缴纳任何费用", "您已成功取消{会员|连续包月}自动续费",
                 "您的ETC卡已于{date}完成续期", "您的航班{CA|MU|CZ}{nn}{n}{date}{time}起飞，登机口以机场广播为准，航班变动以航空公司官方通知为准",
                 "您的账户已解除冻结，可正常使用", "您的积分{pts}已兑换成功，{gb}流量已到账"],
        "tail": ["客服绝不会主动联系您索要验证码。", "详情请查看官方APP。", "如有疑问请拨打官方客服电话。"],
    },
})

ZH_LEGIT["personal"] = (900, {
    "forms": ["open? main add?5 end?4", "main", "main add", "open main"],
    "slots": {
        "open": ["{rel}，", "{name}，", "在吗，", "喂，", "哈喽，", "{sur}哥，", "{sur}姐，", "亲爱的，", "兄弟，", "宝，", "老师好，"],
        "main": ["我换新号了，这是{我|我的}新号码，旧号{下月|月底}停", "钱我{刚|已经}转你{了|微信了}，{money}，查收一下",
                 "晚上回家吃饭吗？我做了{food}", "{weekday}{place}见，别迟到", "房租{money}我转给房东了",
                 "妈，我到{city}了，勿念", "我手机快没电了，到了再给你打", "你上次借我的{money}不急着还",
                 "我在{place}等你，你到哪了", "帮我取个快递，取件码{code}", "我给你转了{small}，买点水果", "明天{time}的高铁，你来接我吗",
                 "{weekday}聚餐AA，每人{small}", "孩子学费交了吗？{money}", "别忘了给{奶奶|爷爷|外婆}打电话", "我卡里没钱了，你先帮我垫一下{small}，晚上还你",
                 "我急着用{money}，周末就还你，方便吗", "你快点，电影{time}开场", "{rel}生日{weekday}，礼物买了吗", "车停{place}了",
                 "开会呢，晚点回你", "工资发了，{weekday}请你吃{food}", "我转账给你是不是转错了？你看看", "这是我同事{name}的电话，有事找他",
                 "医院检查结果出来了，没事，放心", "群里的接龙别忘了", "你银行卡号发我一下，我把钱打给你", "红包收到了，谢谢{rel}",
                 "快递放门口了", "今天加班，不用等我", "我到楼下了", "钥匙放{place}了", "买了{food}，要不要带一份",
                 "我这个号是工作号，有事打这个", "你发的链接打不开", "刚才是我用我同事手机打的", "验证码别给任何人啊，我就是提醒你一下",
                 "账户冻结了？别信，骗子的", "爸说手机被人加微信要钱，我说了别理", "我充了{small}话费给你"],
        "add": ["急", "等你回复", "哈哈", "记得啊", "好的", "收到回个消息", "别忘了", "爱你", "谢谢", "辛苦了", "😊", "👍"],
        "end": ["晚安", "拜拜", "到了说一声", "路上小心", "嗯嗯"],
    },
})

# Notices that ask for a payment, a renewal or a check, but only through the sender's own app,
# site or counter: the same words as a scam, with nowhere to send money but the real thing.
ZH_SERVICES = [("国家电网", "95598", "95598.cn"), ("南方电网", "95598", "csg.cn"), ("{city}水务", "96116", "gov.cn"),
               ("{city}燃气", "96777", "gov.cn"), ("中国广电", "10099", "10099.com.cn"), ("爱奇艺", "95010", "iqiyi.com"),
               ("腾讯视频", "95017", "v.qq.com"), ("美团", "10107888", "meituan.com"), ("携程旅行", "95010", "ctrip.com"),
               ("饿了么", "10105757", "ele.me"), ("哈啰出行", "95166", "hellobike.com"), ("滴滴出行", "4000000999", "didiglobal.com")]

ZH_LEGIT["service_due"] = (300, {
    "forms": ["sig main tail?6", "sig main2 tail?4"],
    "slots": {
        "sig": ["【{svc}】", "【{oper}】", "【{bank}信用卡】", "【{city}物业】", "【ETC服务】", "【{city}市{district}区人民法院】",
                "【12368】", "【{city}住房公积金】"],
        "main": ["您本月账单{money}将于{date}到期，请通过官方APP或营业厅缴纳，逾期将产生滞纳金",
                 "您的账户已欠费{small}，为避免停机，请通过{operhot}或官方APP缴费", "您的自动扣款{money}未成功，请登录官方APP更新支付方式",
                 "您的会员将于{date}到期，如需续费请在APP内操作，我们不会通过短信链接收费",
                 "您的电费余额不足{small}，请及时通过网上国网APP缴费，以免影响用电", "您的燃气表需要年检，工作人员{date}上门，持工作证，不收取任何费用",
                 "您有一份{民事|执行}案件的诉讼文书已电子送达，请登录人民法院在线服务平台查看，法院不会通过短信要求转账",
                 "您的案件{date}{time}开庭，请按时到庭，如需查询请拨打12368", "您的ETC设备有效期至{date}，请通过发行方官方APP在线续期，无需缴费",
                 "您的物业费{money}{date}到期，可在业主APP缴纳或到物业服务中心办理", "您的公积金账户本月已汇缴{small}，余额可在公积金APP查询",
                 "您的信用卡本期应还{money}，最后还款日{date}，可通过手机银行还款", "您的流量已用{pct}，可在APP内订购流量包，不办理不收费"],
        "main2": ["温馨提示：缴费请认准官方渠道，工作人员不会索要验证码", "系统将于{date}凌晨升级，期间部分业务暂停，给您带来不便敬请谅解",
                  "您的退款{small}已原路退回，1-3个工作日到账，无需您进行任何操作", "您的发票已开具，可在APP“我的-发票”中下载"],
        "tail": ["详询{operhot}。", "如有疑问请拨打官方客服电话。", "回T退订", "感谢您的支持。"],
    },
})

ZH_LEGIT["antifraud_more"] = (260, {
    "forms": ["sig main more? tail?5", "sig main"],
    "slots": {
        "sig": ["【{city}反诈】", "【{city}公安】", "【{bank}】", "【{oper}】", "【{plat}】", "【{school}】", "【{city}市教育局】",
                "【{district}社区】"],
        "main": ["买卖游戏账号、装备请走官方平台，私下交易、扫码付款极易被骗", "网购退款只在平台APP内办理，要您加QQ、开屏幕共享的“客服”都是骗子",
                 "有人以“关闭百万保障”“取消会员扣费”为由联系您，一律是诈骗", "陌生网友邀请视频聊天后以录屏敲诈的，不要转账，立即报警",
                 "“境外高薪招聘”“包机票包住宿”多为诈骗或人口贩卖陷阱，切勿轻信", "以“养老项目”“以房养老”高额返利为诱饵的投资都是骗局，请提醒家中老人",
                 "网上结识的“成功人士”带您投资炒币、炒外汇，是典型杀猪盘", "网络赌博平台“稳赢”“内幕”都是骗局，充值后无法提现",
                 "学生暑期“刷单兼职”“点赞返利”都是诈骗，不要垫付资金", "“贷款先交费”“刷流水”都是诈骗，正规贷款放款前不收费",
                 "接到自称公检法的电话要求“资金清查”，挂断后拨打110核实", "冒充领导、老师在群里收费的，请电话核实后再转账",
                 "中奖领奖要先交税费的都是诈骗", "收到“ETC认证”“积分兑换”链接短信请直接删除"],
        "more": ["如有疑问请拨打96110咨询。", "请下载国家反诈中心APP。", "转账前请多核实。", "已被骗请立即报警。"],
        "tail": ["请转告身边的老人和孩子。", "{city}公安提醒您。", "谨防上当。"],
    },
})

ZH_LEGIT["personal_more"] = (600, {
    "forms": ["open? main add?4", "main", "main add?3"],
    "slots": {
        "open": ["{rel}，", "{name}，", "{sur}老师，", "{sur}总，", "各位家长，", "亲，", "哥们，", "老同学，"],
        "main": ["你看这个{视频|直播|帖子} {sharelink}", "这个{锅|衣服|书|玩具}挺划算，链接发你 {sharelink}", "帮我砍一刀呗 {sharelink}",
                 "你要的那篇文章 {sharelink}", "这家店评价不错，周末去吗 {sharelink}", "群里投票链接 {sharelink} 帮忙投一下",
                 "孩子在学校{发烧|摔了一下|肚子疼}，我去接他，你下班早点回", "我在{hosp}陪{奶奶|爷爷|妈}做检查，晚点回你",
                 "{奶奶|爸}住院了，床号{nn}，你周末有空来看看", "这个月的生活费{money}转你了，省着点花", "工资还没发，能不能先借我{money}，月底还",
                 "上次{吃饭|唱歌|打车}的钱{small}，你方便时转我", "房租{money}这个月{date}前交，微信转我就行", "本学期班费{small}，请{date}前交给班长",
                 "明天{time}开会，把报价单准备好", "合同我发你邮箱了，看完签字拍照发我", "我手机坏了，先用这个号，过两天换回来",
                 "以前那个号不用了，以后打这个", "车险到期了，我在{plat}上续了，{money}", "家里网费{small}我交过了", "你寄的快递到了，谢谢{rel}",
                 "下周{weekday}同学聚会，AA，到时候群收款", "你给妈转的{money}她收到了", "我刚给你转了{money}，看下到账没"],
        "add": ["谢谢", "哈哈", "不急", "有空回我", "辛苦", "😂", "好吧", "嗯嗯"],
    },
})

ZH_GENS["svc"] = lambda c: pick(ZH_SERVICES)[0]
ZH_GENS["sharelink"] = lambda c: pick([
    lambda: "https://v.douyin.com/" + ralnum(7) + "/", lambda: "https://m.tb.cn/h." + ralnum(6),
    lambda: "https://item.jd.com/" + rdigits(R.randint(8, 12)) + ".html",
    lambda: "https://mobile.yangkeduo.com/goods.html?goods_id=" + rdigits(11), lambda: "https://b23.tv/" + ralnum(7),
    lambda: "http://xhslink.com/" + ralnum(6), lambda: "https://mp.weixin.qq.com/s/" + ralnum(22),
    lambda: "https://www.bilibili.com/video/BV1" + ralnum(9), lambda: "https://u.jd.com/" + ralnum(7),
    lambda: "https://www.zhihu.com/question/" + rdigits(9), lambda: "https://www.dianping.com/shop/" + ralnum(12),
])()


# --------------------------------------------------------------------------
# obfuscation (applied to ~15% of fraud, a few legitimate messages)
# --------------------------------------------------------------------------

ZH_SUBS = {
    "微信": ["薇信", "V信", "威信", "vx", "wx", "徽信", "微❤", "VX", "嶶信", "维信"],
    "QQ": ["扣扣", "企鹅", "Q Q", "qq", "抠抠", "ＱＱ"],
    "贷款": ["dai款", "贷kuan", "代款", "贷 款", "贷K"],
    "转账": ["转zhang", "砖账", "转 账", "zhuan账"],
    "刷单": ["刷dan", "唰单", "刷 单", "S单"],
    "返利": ["返li", "反利", "返 利"],
    "佣金": ["yong金", "拥金", "佣 金"],
    "兼职": ["兼zhi", "兼耳只", "jian职", "兼 职"],
    "博彩": ["菠菜", "bo彩", "博 彩"],
    "彩金": ["菜金", "cai金"],
    "百家乐": ["BJL", "百家L", "百佳乐"],
    "投资": ["投zi", "头资", "投 资"],
    "充值": ["冲值", "充zhi"],
    "裸聊": ["luo聊", "裸 聊", "果聊"],
    "冻结": ["冻jie", "冻 结", "栋结"],
    "验证码": ["验证马", "验 证 码", "yzm", "驗證碼"],
    "下载": ["下zai", "下 载", "xia载"],
    "客服": ["k服", "客fu", "客 服"],
    "链接": ["链jie", "连接", "链 接"],
    "点击": ["点 击", "戳", "点ji"],
    "保证金": ["保正金", "保证jin", "保 证 金"],
    "解冻": ["解dong", "解 冻", "jie冻"],
    "账户": ["帐户", "账hu", "账 户"],
    "赌": ["du", "賭"],
    "公安": ["公an", "公 安"],
    "高薪": ["高xin", "高 薪", "搞薪"],
    "添加": ["天加", "+"],
    "加": ["+", "㗂"],
}
EMOJI = ["💰", "🎁", "🔥", "✅", "👉", "📱", "❗", "🧧", "💯", "⚠️", "🎉", "💸", "📦", "🏦", "👇", "⭐", "😘", "💋", "🎮", "🤑"]
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
URL_RE = re.compile(r"((?:https?://)?(?:www\.)?[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+(?::\d+)?(?:[/?#][^\s，。！]*)?)")


def break_link(text, lang):
    urls = [u for u in URL_RE.findall(text) if "." in u and not re.fullmatch(r"[\d.]+", u.split("/")[0]) or u.count(".") >= 3]
    if not urls:
        return text
    u = pick(urls)
    style = R.random()
    if style < 0.3:
        nu = u.replace(".", " . ")
    elif style < 0.5:
        nu = u.replace(".", "点" if lang == "zh" else " dot ")
    elif style < 0.7:
        nu = u.replace(".", "[.]")
    elif style < 0.85:
        nu = u.replace("http", "hxxp") if "http" in u else " ".join(u)
    else:
        nu = u.replace(".", "。" if lang == "zh" else "(.)")
    return text.replace(u, nu, 1)


def space_run(text, lang):
    """Put spaces or symbols between the characters of one run of text."""
    if len(text) < 6:
        return text
    if lang == "zh":
        runs = [m for m in re.finditer(r"[\u4e00-\u9fff]{3,8}", text)]
    else:
        runs = [m for m in re.finditer(r"[A-Za-z]{4,10}", text)]
    if not runs:
        return text
    m = pick(runs)
    sep = pick([" ", " ", "-", "*", "·", "丨" if lang == "zh" else ".", "/", "_"])
    return text[:m.start()] + sep.join(m.group(0)) + text[m.end():]


def add_emoji(text, lang):
    e = "".join(pick(EMOJI) for _ in range(R.randint(1, 3)))
    r = R.random()
    if r < 0.4:
        return e + text
    if r < 0.7:
        return text + e
    i = R.randrange(len(text))
    return text[:i] + e + text[i:]


def zh_sub(text, lang):
    keys = [k for k in ZH_SUBS if k in text]
    if not keys:
        return text
    k = pick(keys)
    return text.replace(k, pick(ZH_SUBS[k]), 1 if len(k) == 1 else 2)


def fullwidth(text, lang):
    return text.translate(FULLWIDTH)


def obfuscate(text, lang, fraud=True):
    ops = [space_run, add_emoji, fullwidth, break_link]
    weights = [3, 3, 2, 2]
    if lang == "zh":
        ops.append(zh_sub)
        weights.append(6 if fraud else 1)
    else:
        ops.append(en_sub)
        weights.append(6 if fraud else 1)
    out = text
    for _ in range(R.choice([1, 1, 2]) if fraud else 1):
        for _try in range(4):
            op = R.choices(ops, weights)[0]
            new = op(out, lang)
            if new != out:
                out = new
                break
    return out


# --------------------------------------------------------------------------
# generation, dedup, diversity report
# --------------------------------------------------------------------------

def dedup_key(text):
    t = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return re.sub(r"[\d\s]", "", t).lower()


OBF_COUNT = {}


def generate_label(spec, gens, lang, target, seen, fraud, obf_rate, max_tries_factor=60):
    out = []
    tries = 0
    while len(out) < target and tries < target * max_tries_factor:
        tries += 1
        text = compose(spec, gens, lang)
        if not text or len(text) < 4:
            continue
        obf = chance(obf_rate)
        if obf:
            text = obfuscate(text, lang, fraud)
        text = text.replace("\n", " ").replace("\r", " ")
        k = dedup_key(text)
        if k in seen:
            continue
        seen.add(k)
        out.append(text)
        OBF_COUNT[(lang, fraud)] = OBF_COUNT.get((lang, fraud), 0) + int(obf)
    return out


def generate_language(lang, fraud_specs, legit_specs, gens):
    rows = []
    seen = set()
    for label in FRAUD_LABELS:
        texts = generate_label(fraud_specs[label], gens, lang, FRAUD_PER_TYPE, seen, True, FRAUD_OBFUSCATION_RATE)
        rows += [(label, t) for t in texts]
    total_w = sum(w for w, _ in legit_specs.values())
    legit_kinds = {}
    for kind, (w, spec) in legit_specs.items():
        n = round(LEGIT_TOTAL * w / total_w)
        texts = generate_label(spec, gens, lang, n, seen, False, LEGIT_OBFUSCATION_RATE)
        legit_kinds[kind] = len(texts)
        rows += [("normal", t) for t in texts]
    R.shuffle(rows)
    return rows, legit_kinds


def write_csv(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["label", "text"])
        for label, text in rows:
            w.writerow([label, text])


def report(lang, rows, legit_kinds):
    print("=" * 72)
    print("language %s: %d messages" % (lang, len(rows)))
    by = {}
    for label, text in rows:
        by.setdefault(label, []).append(text)
    sample_rng = random.Random(SEED + 1)
    print("%-32s %6s %8s %8s %8s" % ("label", "count", "first8", "4grams", "meanlen"))
    for label in FRAUD_LABELS + ["normal"]:
        texts = by.get(label, [])
        if not texts:
            print("%-32s MISSING" % label)
            continue
        first8 = len({t[:8] for t in texts}) / len(texts)
        grams = set()
        for t in texts:
            for i in range(len(t) - 3):
                grams.add(t[i:i + 4])
        mean = sum(len(t) for t in texts) / len(texts)
        flag = "" if (label == "normal" or len(texts) >= FRAUD_PER_TYPE) else "  SHORT"
        print("%-32s %6d %8.2f %8d %8.1f%s" % (label, len(texts), first8, len(grams), mean, flag))
    print("obfuscated: fraud %d, legitimate %d" % (OBF_COUNT.get((lang, True), 0), OBF_COUNT.get((lang, False), 0)))
    print("legitimate kinds:", ", ".join("%s=%d" % kv for kv in legit_kinds.items()))
    for label in FRAUD_LABELS + ["normal"]:
        texts = by.get(label, [])
        print("--- %s" % label)
        for t in sample_rng.sample(texts, min(3, len(texts))):
            print("   ", t)


# --------------------------------------------------------------------------
# English value generators
# --------------------------------------------------------------------------

EN_FIRST = ["James", "Olivia", "Liam", "Emma", "Noah", "Ava", "Oliver", "Sophia", "Elijah", "Mia", "Harry", "Amelia",
            "Jack", "Isla", "George", "Grace", "Leo", "Chloe", "Oscar", "Ella", "Daniel", "Lucy", "Sam", "Ruby", "Tom",
            "Hannah", "Ben", "Zoe", "Priya", "Aisha", "Mohammed", "Wei", "Chen", "Luis", "Maria", "Fatima", "Kofi", "Sean",
            "Niamh", "Rhys", "Ewan", "Megan", "Jake", "Kayla", "Tyler", "Brooke", "Carlos", "Ana", "Raj", "Mei"]
EN_LAST = ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Johnson", "Roberts", "Walker", "Wright",
           "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Clarke", "Patel",
           "Khan", "Lewis", "Martin", "Garcia", "Miller", "Davis", "Lopez", "Lee", "Nguyen", "Kim", "Murphy", "Kelly"]
EN_BANKS = [("Barclays", "barclays.co.uk"), ("HSBC", "hsbc.co.uk"), ("Lloyds", "lloydsbank.com"), ("NatWest", "natwest.com"),
            ("Santander", "santander.co.uk"), ("Halifax", "halifax.co.uk"), ("Nationwide", "nationwide.co.uk"),
            ("Monzo", "monzo.com"), ("Starling", "starlingbank.com"), ("Chase", "chase.com"), ("Bank of America", "bankofamerica.com"),
            ("Wells Fargo", "wellsfargo.com"), ("Citi", "citi.com"), ("Capital One", "capitalone.com"), ("TSB", "tsb.co.uk"),
            ("Revolut", "revolut.com"), ("US Bank", "usbank.com"), ("Amex", "americanexpress.com")]
EN_COURIERS = [("Royal Mail", "royalmail.com"), ("Evri", "evri.com"), ("DPD", "dpd.co.uk"), ("UPS", "ups.com"), ("FedEx", "fedex.com"),
               ("USPS", "usps.com"), ("DHL", "dhl.com"), ("Parcelforce", "parcelforce.com"), ("Yodel", "yodel.co.uk"),
               ("Amazon", "amazon.co.uk"), ("InPost", "inpost.co.uk")]
EN_SHOPS = [("Amazon", "amazon", "amazon.co.uk"), ("eBay", "ebay", "ebay.co.uk"), ("PayPal", "paypal", "paypal.com"),
            ("Apple", "apple", "apple.com"), ("Netflix", "netflix", "netflix.com"), ("Microsoft", "microsoft", "microsoft.com"),
            ("Walmart", "walmart", "walmart.com"), ("Argos", "argos", "argos.co.uk"), ("Tesco", "tesco", "tesco.com"),
            ("Currys", "currys", "currys.co.uk"), ("Best Buy", "bestbuy", "bestbuy.com"), ("Target", "target", "target.com"),
            ("Disney+", "disney", "disneyplus.com"), ("Spotify", "spotify", "spotify.com"), ("Norton", "norton", "norton.com"),
            ("McAfee", "mcafee", "mcafee.com"), ("Temu", "temu", "temu.com"), ("Shein", "shein", "shein.com"), ("Etsy", "etsy", "etsy.com"),
            ("Vinted", "vinted", "vinted.co.uk")]
EN_OPERATORS = [("EE", "ee.co.uk"), ("Vodafone", "vodafone.co.uk"), ("O2", "o2.co.uk"), ("Three", "three.co.uk"),
                ("Verizon", "verizon.com"), ("AT&T", "att.com"), ("T-Mobile", "t-mobile.com"), ("giffgaff", "giffgaff.com"), ("Sky Mobile", "sky.com")]
EN_GAMES = ["Fortnite", "Roblox", "CS2", "Valorant", "Minecraft", "GTA Online", "Call of Duty", "Genshin Impact", "League of Legends",
            "FIFA Ultimate Team", "EA FC", "Apex Legends", "Rust", "Dota 2", "World of Warcraft", "Pokemon GO", "Steam"]
EN_COUNTRIES = ["Thailand", "Cambodia", "Myanmar", "Laos", "Dubai", "the Philippines", "Malaysia", "Vietnam", "Georgia", "Turkey"]
EN_CITIES = ["London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol", "Liverpool", "Cardiff", "Belfast", "Edinburgh",
             "Sheffield", "Nottingham", "Leicester", "New York", "Chicago", "Houston", "Phoenix", "Dallas", "Atlanta", "Seattle",
             "Denver", "Boston", "Miami", "Toronto", "Dublin", "Sydney"]
EN_FRAUD_SLUGS = ["gov", "hmrc", "irs", "royalmail", "rmail", "evri", "dpd", "ups", "usps", "fedex", "dhl", "amazon", "amzn",
                  "paypal", "apple", "icloud", "netflix", "barclays", "hsbc", "lloyds", "natwest", "santander", "chase", "boa",
                  "wellsfargo", "monzo", "ee", "o2", "vodafone", "dvla", "nhs", "tfl", "ezpass", "toll", "post", "parcel", "bank"]
EN_FAKE_APPS = ["SecureView", "AnyDesk", "TeamViewer", "QuickSupport", "CoinVerse", "BitNova", "MetaTradePro", "GoldFX Elite",
                "TaskHub", "ClickEarn", "RewardRush", "SpinPalace", "LuckyStar Casino", "BetKing", "LoanEasy", "CashNowPro",
                "NightChat", "SecretMeet", "SkinVault", "ItemSwap", "SilverYears", "PensionPlus"]
EN_PLACES = ["the station", "Costa", "Starbucks", "the car park", "Tesco", "the gym", "the pub", "school gates", "the cinema",
             "mum's", "the office", "the library", "the park", "Nando's", "the airport", "reception"]


def en_cur(ctx):
    return ctx.setdefault("_cur", pick(["£", "£", "$", "$", "€"]))


def en_money(ctx, lo, hi, rnd=1):
    c = en_cur(ctx)
    v = amount(lo, hi, rnd)
    r = R.random()
    if r < 0.45:
        return "%s%s" % (c, format(v, ","))
    if r < 0.85:
        return "%s%s.%s" % (c, format(v, ","), cents())
    return "%s %s" % (c, format(v, ","))


def en_date(ctx):
    m, d = R.randint(1, 12), R.randint(1, 28)
    mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m - 1]
    return pick(["%d %s" % (d, mon), "%s %d" % (mon, d), "%02d/%02d" % (d, m), "%d/%d" % (m, d), "%d %s" % (d, mon.upper()),
                 pick(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])])


def en_time(ctx):
    if chance(0.5):
        return "%02d:%02d" % (R.randint(0, 23), R.randint(0, 59))
    return "%d:%02d%s" % (R.randint(1, 12), pick([0, 15, 30, 45, R.randint(0, 59)]), pick(["am", "pm", " AM", " PM"]))


def en_phone(ctx):
    return pick(["07700 900%03d" % R.randint(0, 999), "+44 7700 900%03d" % R.randint(0, 999), "(555) 01%02d" % R.randint(0, 99),
                 "+1 %03d-555-01%02d" % (R.randint(201, 989), R.randint(0, 99)), "0%d0 %s %s" % (R.randint(3, 8), rdigits(3), rdigits(4)),
                 "+855 " + rdigits(8), "+63 9" + rdigits(9, False)])


EN_GENS = {
    "_slugs": lambda c: EN_FRAUD_SLUGS,
    "name": lambda c: pick(EN_FIRST),
    "fullname": lambda c: pick(EN_FIRST) + " " + pick(EN_LAST),
    "last": lambda c: pick(EN_LAST),
    "city": lambda c: pick(EN_CITIES),
    "date": en_date,
    "time": en_time,
    "deadline": lambda c: pick(["today", "within 24 hours", "by midnight", "within 48 hrs", "by %s" % en_date(c), "in the next 2 hours",
                                "before 11:59pm", "this week", "by end of day", "within 12hrs"]),
    "money": lambda c: en_money(c, 20, 2000),
    "small": lambda c: en_money(c, 1, 99),
    "fee": lambda c: en_money(c, 2, 450),
    "big": lambda c: en_money(c, 1000, 90000, 50),
    "salary": lambda c: en_cur(c) + pick(["3,000", "4,500", "5,000", "6,000", "8,000", "10,000"]) + pick(["/month", " a month", " monthly", "pm"]),
    "pct": lambda c: "%d%%" % R.randint(5, 60) if chance(0.7) else "%d.%d%%" % (R.randint(1, 30), R.randint(1, 9)),
    "n": lambda c: str(R.randint(2, 9)),
    "nn": lambda c: str(R.randint(10, 99)),
    "code": lambda c: rdigits(pick([4, 6, 6, 6, 8]), False),
    "tail": lambda c: rdigits(4, False),
    "order": lambda c: pick(["", "#", "ORD-", "A"]) + rdigits(R.randint(7, 12)),
    "track": lambda c: pick(["", "RM", "H", "1Z", "JD", "TBA", "GB"]) + ralnum(R.randint(10, 14), string.ascii_uppercase + string.digits),
    "ref": lambda c: pick(["", "REF-", "CASE ", "#"]) + ralnum(R.randint(6, 9), string.ascii_uppercase + string.digits),
    "flink": lambda c: fraud_link(c, "en"),
    "phone": en_phone,
    "wa": lambda c: pick(["+44 7700 900%03d" % R.randint(0, 999), "+1 555 01%02d" % R.randint(0, 99), "+63 9" + rdigits(9, False), "+855 " + rdigits(8)]),
    "tg": lambda c: "@" + pick(["", "real", "official", "the", "mr", "miss", "vip", "help"]) + pick(["support", "mentor", "agent", "trader", "hr", "jobs", "deals", "care", "desk", "kate", "amy", "jason", "leo"]) + pick(["", "_", ""]) + rdigits(R.randint(2, 4), False),
    "wx": lambda c: pick(["vip", "hr", "kf", "job", "wx", "amy", "leo", ""]) + rdigits(R.randint(4, 7), False),
    "app": lambda c: pick(EN_FAKE_APPS),
    "game": lambda c: pick(EN_GAMES),
    "country": lambda c: pick(EN_COUNTRIES),
    "bank": lambda c: c.setdefault("_bank", pick(EN_BANKS))[0],
    "bankdom": lambda c: (c.get_ph("bank"), c["_bank"][1])[1],
    "courier": lambda c: c.setdefault("_cour", pick(EN_COURIERS))[0],
    "courdom": lambda c: (c.get_ph("courier"), c["_cour"][1])[1],
    "shop": lambda c: c.setdefault("_shop", pick(EN_SHOPS))[0],
    "shopdom": lambda c: (c.get_ph("shop"), c["_shop"][2])[1],
    "oper": lambda c: c.setdefault("_oper", pick(EN_OPERATORS))[0],
    "operdom": lambda c: (c.get_ph("oper"), c["_oper"][1])[1],
    "plate": lambda c: pick(["%s%d %s" % (ralnum(2, string.ascii_uppercase), R.randint(10, 74), ralnum(3, string.ascii_uppercase)),
                             "%s-%s" % (ralnum(3, string.ascii_uppercase), rdigits(4))]),
    "place": lambda c: pick(EN_PLACES),
    "weekday": lambda c: pick(["tomorrow", "tonight", "Saturday", "Sunday", "Friday", "this weekend", "next week", "Monday", "later"]),
    "rel": lambda c: pick(["Mum", "Dad", "mom", "sis", "bro", "babe", "love", "Nan", "Grandpa", "hun", "mate"]),
    "food": lambda c: pick(["pizza", "a curry", "Chinese", "tacos", "sushi", "a roast", "burgers", "pasta", "fish and chips", "Thai"]),
    "gb": lambda c: str(pick([1, 2, 5, 10, 20, 30, 50, 100])) + "GB",
    "pts": lambda c: str(R.randint(500, 40000)),
    "clinic": lambda c: pick(["GP surgery", "Dental Practice", "Health Centre", "Eye Clinic", "Physio", "Vets", "Medical Group", "Pharmacy"]),
    "company": lambda c: pick(["Brightwell Ltd", "Northgate Logistics", "Oakridge Care", "Blue Harbour Retail", "Kestrel Engineering",
                               "Maple & Co", "Summit Health", "Riverside Hotels", "Greenleaf Foods", "Anchor Recruitment", "Redline Motors"]),
    "school": lambda c: pick(["St Mary's Primary", "Oakwood Academy", "Hillside High", "Riverside Primary", "Westfield School", "Kingsway College"]),
}


# --------------------------------------------------------------------------
# English fraud phrase banks
# --------------------------------------------------------------------------

EN_FRAUD = {}

EN_FRAUD["impersonate_police_government"] = {
    "values": {"app": ["AnyDesk", "TeamViewer", "QuickSupport", "SecureView", "GovConnect", "CaseLink"]},
    "forms": ["sig?5 open?5 pre hook?7 cta urg?5 close?4", "sig?4 pre cta", "open pre hook cta urg?4", "sig?5 pre2 cta urg?6"],
    "slots": {
        "sig": ["HMRC:", "IRS NOTICE:", "Metropolitan Police:", "UK GOV:", "DVLA:", "Social Security Admin:", "SSA Alert:",
                "HM Courts:", "Action Fraud:", "National Crime Agency:", "NHS:", "US Marshals:", "County Court:", "Border Force:", "DWP:", "Dept of Justice:"],
        "open": ["Dear {fullname},", "Dear taxpayer,", "Hello {name},", "URGENT:", "FINAL NOTICE:", "This is Officer {last} from the {city} Police fraud unit.",
                 "Attention {name} {last}:", "Important:", "Notice of legal action:", "This message is from Detective Sgt {last}, badge {code}.",
                 "Sir/Madam,", "We are contacting you regarding case {ref}."],
        "pre": ["your National Insurance number has been {suspended|flagged} due to {suspicious|fraudulent} activity",
                "your Social Security number was used in a {money laundering|drug trafficking} case in {city}",
                "you owe {money} in unpaid tax for {2022|2023|2024} and a warrant has been {issued|requested}",
                "a court summons ({ref}) has been issued in your name",
                "your bank accounts are linked to an ongoing fraud investigation",
                "a parcel in your name containing {cash|fake passports|illegal items} was seized at the border",
                "your driving licence will be {revoked|suspended} over unpaid fines of {small}",
                "you are named in a police investigation into {identity theft|money laundering}",
                "your benefits payments have been stopped pending an identity check",
                "officers have frozen assets connected to your name",
                "a bank employee at {bank} has been arrested and your money is at risk",
                "you missed jury duty and a fine of {money} applies"],
        "pre2": ["Tax arrears of {money} outstanding. Legal action pending.", "Your NI number is suspended.", "Arrest warrant issued under {ref}.",
                 "Court summons unsigned. View: {flink}", "Your SSN has been suspended.", "Case {ref}: you must respond today."],
        "hook": ["to protect your funds, move your balance to a {safe|secure|government-protected} account while we investigate",
                 "pay a {settlement|bail|clearance} fee of {fee} to avoid arrest", "the payment can be made in {gift cards|Bitcoin|vouchers}",
                 "this is a confidential investigation: do not discuss it with {bank staff|family|anyone}",
                 "you will need to install {app} so an officer can verify your accounts", "your funds will be returned after verification",
                 "failure to cooperate will be treated as obstruction", "a deposit of {fee} proves your innocence"],
        "cta": ["call {phone} immediately", "visit {flink} to settle", "verify your identity at {flink}", "press 1 or call {phone} to speak to an officer",
                "pay now at {flink}", "download {app} and share your screen with the officer", "transfer your balance to the protected account {tail}-{code}",
                "reply with your full name and date of birth", "contact the case officer on WhatsApp {wa}", "view your case file at {flink}"],
        "urg": ["Failure to act {deadline} will result in arrest.", "Officers may attend your address.", "This is your final notice.",
                "Your accounts will be frozen {deadline}.", "Respond {deadline}."],
        "close": ["Do not tell anyone, including your bank.", "Keep this confidential.", "Do not hang up or speak to bank staff.",
                  "Do not tell your family, this is a sealed case.", "Regards, Enforcement Unit."],
    },
}

EN_FRAUD["fake_customer_service"] = {
    "values": {"app": ["AnyDesk", "TeamViewer", "QuickSupport", "SecureView", "HelpDesk Connect"]},
    "forms": ["sig?6 open?5 pre hook?6 cta urg?5 close?3", "sig?4 pre cta", "open pre hook cta close?4", "sig?6 pre2 cta urg?5"],
    "slots": {
        "sig": ["{shop}:", "{shop} Support:", "{shop} Billing:", "{courier}:", "{bank}:", "{shop} Refunds:", "Geek Squad:", "{shop} Security:"],
        "open": ["Hi {name},", "Dear customer,", "Hello,", "Dear {shop} member,", "Hi, this is {name} from {shop} support.", "Notice:", "Valued customer,"],
        "pre": ["your {shop} {Prime|Premium|membership} will auto-renew today for {money}", "we charged you {money} in error for an order you did not place",
                "your {Norton|McAfee|Geek Squad} subscription renewed for {money}", "your parcel {track} was lost and you are owed {money} compensation",
                "an order for an {iPhone 15|MacBook|PS5|gift card} of {money} was placed on your account", "your refund of {money} failed to process",
                "a duplicate payment of {money} was taken", "your account was upgraded to a business plan at {money} a month",
                "you are due a refund of {money} for an overcharge", "your {shop} account has been locked after a suspicious purchase",
                "your item was damaged in transit and we want to compensate you {money}", "your insurance plan with us will auto-charge {money}"],
        "pre2": ["Auto-renewal of {money} today. Cancel now.", "Refund of {money} pending.", "Order of {money} placed. Not you?", "Parcel lost: claim {money}."],
        "hook": ["to cancel and get a full refund, call our team", "we need to process the refund through a secure channel",
                 "please log in to your online banking while our agent guides you", "we sent too much, please return the difference by transfer",
                 "you will need to confirm the code we send you", "install {app} so our technician can process the refund",
                 "a small {verification|processing} fee of {small} is required", "refunds can only be issued as gift cards"],
        "cta": ["call {phone} to cancel", "cancel at {flink}", "claim your refund at {flink}", "reply STOP-REFUND or call {phone}", "chat with an agent: {flink}",
                "download {app} and give the agent the code", "visit {flink} to dispute", "WhatsApp our refunds desk {wa}"],
        "urg": ["Cancel {deadline} to avoid the charge.", "Offer expires {deadline}.", "If you do not respond the charge will stand.", "Act now."],
        "close": ["Thank you for choosing {shop}.", "Do not share this with anyone.", "Regards, Customer Care.", "We apologise for the inconvenience."],
    },
}

EN_FRAUD["impersonate_boss_acquaintance"] = {"variants": [
    {"forms": ["open pre hook? cta close?5", "open? pre2 cta?7", "pre hook cta? close?5"],
     "slots": {
        "open": ["Hi {Mum|Mom|Dad}, it's me.", "Hi {Mum|Mom|Dad}", "{Mum|Dad}?", "Hey {Mum|Mom}, it's {name}.", "Hi Nan, it's me,", "Hi Grandpa,", "Hello {Mum|Dad}"],
        "pre": ["I dropped my phone {in the toilet|down the stairs}, this is my new number", "this is my new number, you can delete the old one",
                "my phone broke so I'm using a friend's", "I'm stuck and need help with a bill", "I've got a bill I need to pay today but my banking app is locked",
                "I'm in trouble and need money for a {lawyer|fine|repair}", "I lost my wallet in {city}", "I had a small accident, I'm ok but need cash"],
        "pre2": ["new number, save this one", "can you text me back on here", "are you free to talk? urgent", "my old phone is broken, this is my new one"],
        "hook": ["could you send {money} for me, I'll pay you back {weekday}", "it needs to go to this account: {tail}{code}", "can't talk right now, only text",
                 "it's my friend's account, name {fullname}", "I'll explain later, it's urgent", "the app won't let me pay for 24 hours"],
        "cta": ["text me on WhatsApp {wa}", "send it to sort code {nn}-{nn2}-{nn3} account {code}", "message me here when it's done", "reply when you see this"],
        "close": ["Don't tell Dad yet.", "Please don't tell anyone.", "Love you x", "thanks x", "urgent x"],
     }},
    {"forms": ["open pre hook? cta close?5", "open pre2 cta?7"],
     "slots": {
        "open": ["Hi {name}, it's {fullname}.", "{name}, are you at your desk?", "Hi, this is your CEO {fullname}.", "{name}, quick favour.",
                 "Are you available? It's {name} from {the board|finance|head office}."],
        "pre": ["I'm in a meeting and can't take calls", "I need you to buy {n} {Apple|Amazon|Google Play|Steam} gift cards for a client", "we have an urgent supplier payment of {big} today",
                "I'm at a conference and my card isn't working", "this is my personal number, keep it confidential"],
        "pre2": ["Are you free? I need a quick favour.", "Text me back here, not on email.", "Urgent task, reply asap."],
        "hook": ["scratch the codes and send photos", "pay it to the new account details, I'll approve the paperwork later", "you'll be reimbursed today",
                 "it's a surprise for the staff so keep it quiet"],
        "cta": ["reply with the codes", "confirm when done", "send a screenshot here", "reach me on WhatsApp {wa}"],
        "close": ["Keep this between us.", "Thanks, {name}.", "Don't mention this to anyone in the office.", "Regards."],
     }},
    {"forms": ["open pre hook? cta close?5"],
     "slots": {
        "open": ["Hey, it's {name} from school!", "Hi {name}, it's your cousin {name2}.", "Hey mate it's {name},", "Hi, it's {name}, new number.", "{name}! long time,"],
        "pre": ["I'm abroad and my card got blocked", "I'm short for rent this month", "I need a quick loan till payday", "my car broke down and I'm stuck"],
        "hook": ["could you lend me {money}", "I'll send it back {weekday}", "it's only till the weekend", "my bank app is frozen"],
        "cta": ["send it to {fullname}, acct {code}", "PayPal me at {name}{nn}@mail.com", "text me on {wa}", "message me here"],
        "close": ["don't tell the others", "cheers mate", "you're a lifesaver", "please it's urgent"],
     }},
]}

EN_FRAUD["fake_loan_credit"] = {
    "values": {"app": ["LoanEasy", "CashNowPro", "QuickFunds", "CreditBoost", "PayDayNow"]},
    "forms": ["sig?5 open?5 pre hook cta urg?4 close?3", "sig?4 pre2 cta", "open? pre hook? cta close?5", "sig?5 pre3 hook cta"],
    "slots": {
        "sig": ["{app}:", "LoanCentre:", "Credit Team:", "FastCash:", "Finance Dept:", "CreditFix:"],
        "open": ["Hi {name},", "Dear applicant,", "Good news!", "Congratulations {name}!", "Hello,"],
        "pre": ["you are pre-approved for a loan of up to {big}", "bad credit? no problem, get {big} today with no credit check",
                "your credit limit can be raised to {big}", "we can remove CCJs and defaults from your credit file", "your loan of {big} has been approved",
                "guaranteed approval, funds in {n} minutes", "consolidate your debts into one low payment of {money}/month", "business loans up to {big}, no paperwork"],
        "pre2": ["Need cash fast? {big} approved today.", "Loan approved: {big}. Claim now.", "Fix your credit score in {n} days.", "No credit check loans up to {big}."],
        "pre3": ["your loan payout failed because of an error in your account details", "your funds are on hold until we verify your income",
                 "the transfer of your {big} loan is frozen"],
        "hook": ["just pay a refundable {insurance|processing|admin} fee of {fee}", "a deposit of {fee} proves you can repay", "fee is refunded with your first payment",
                 "send {fee} in gift cards to release the funds", "no paperwork needed, just your card details"],
        "cta": ["apply at {flink}", "reply YES to accept", "call {phone}", "claim at {flink}", "download {app}", "WhatsApp {wa}", "text LOAN to {code}"],
        "urg": ["Offer ends {deadline}.", "Limited places.", "Respond {deadline}."],
        "close": ["Reply STOP to opt out", "T&Cs apply.", "Don't tell anyone about this rate."],
    },
}

EN_FRAUD["task_brushing_parttime"] = {
    "values": {"app": ["TaskHub", "ClickEarn", "RewardRush", "OptiBoost", "AppLift"]},
    "forms": ["open? pre hook cta urg?4 close?3", "pre cta", "open pre hook? cta close?5", "open? pre2 hook? cta"],
    "slots": {
        "open": ["Hi {name},", "Hello, I'm {name} from {company} recruitment.", "Hi, this is {name}, a recruiter.", "Hello!", "Hey there,",
                 "Hi, we saw your CV on {Indeed|LinkedIn|Reed}.", "Good day,"],
        "pre": ["we have a remote job: {liking videos|rating apps|reviewing hotels|optimising products} for {money} a day", "earn {money}-{money2} daily working {n} hours from home",
                "our company needs people to boost {app} ratings, paid per task", "part-time job: like YouTube videos, {small} per like",
                "flexible role, complete {n}0 tasks and get paid daily", "we pay {small} for every 5-star review", "product optimisation assistants needed, no experience"],
        "pre2": ["Remote job, {money}/day, no experience.", "Earn from home liking videos.", "Part-time role, paid daily."],
        "hook": ["you need to top up your account with {money} to unlock the next set of tasks", "combination tasks require a deposit that is returned with commission",
                 "withdraw your earnings after completing {n} sets", "your account went negative, recharge {money} to continue", "commission {pct} per task",
                 "first task is a free trial, you keep the {small}"],
        "cta": ["message me on WhatsApp {wa}", "add me on Telegram {tg}", "register at {flink}", "reply YES for details", "download {app} to start",
                "contact our HR on WhatsApp {wa}"],
        "urg": ["Only {n} places left.", "Start today.", "Offer closes {deadline}."],
        "close": ["No fees to join!", "Reply STOP to unsubscribe", "Keep this opportunity to yourself."],
    },
}

EN_FRAUD["pig_butchering_investment"] = {
    "values": {"app": ["CoinVerse", "BitNova", "MetaTradePro", "GoldFX Elite", "ApexCoin", "Zenith Markets", "OrbitEx"]},
    "forms": ["open pre hook? cta? close?4", "pre hook? cta", "open pre2 hook cta?7 close?4", "open? wrong"],
    "slots": {
        "open": ["Hi dear,", "Good morning {handsome|beautiful},", "Hey {name},", "Hello my love,", "Morning!", "Hi, it's {name} from the {wine tasting|yoga class|dating app}.",
                 "Hey, is this {name}?", "My dear,"],
        "wrong": ["Hi, is this {name}? We met at the {golf club|conference} last week.", "Sorry, wrong number! I was looking for {name}. Nice to meet you though :)",
                  "Hi {name}, are we still on for {food} {weekday}? Oh sorry, who is this?", "Is this the {dentist|estate agent}? I think I got the wrong number, sorry!"],
        "pre": ["my uncle works at a {hedge fund|crypto exchange} and gave me a tip", "I made {big} this month on {Bitcoin|gold|forex} contracts",
                "my mentor shows me exactly when to buy", "the platform is fully regulated in {Hong Kong|Singapore|the US}", "I want us to build our future together",
                "there is a {window|signal} tonight at {n}pm", "returns are {pct} per week, guaranteed", "you can start small and see for yourself"],
        "pre2": ["the platform went up again today", "did you register on the link I sent?", "my mentor's signal made {pct} today", "you should try with a small amount"],
        "hook": ["deposit {money} and I'll guide you", "to withdraw you need to pay {pct} tax first", "your account is frozen until you pay a {fee} verification fee",
                 "send USDT to the platform wallet", "upgrade to VIP with {big} to unlock withdrawals"],
        "cta": ["register at {flink}", "download {app}, invite code {code}", "add my mentor on WhatsApp {wa}", "talk to customer service on Telegram {tg}", "join {flink}"],
        "close": ["Don't tell your family, they won't understand.", "Trust me babe.", "This is just between us.", "Miss you x", "Good night dear."],
    },
}

EN_FRAUD["online_gambling"] = {
    "values": {"app": ["SpinPalace", "LuckyStar Casino", "BetKing", "RoyalSlots", "GoldenAce"]},
    "forms": ["sig?5 pre hook? cta urg?4 close?4", "pre cta", "open? pre hook cta"],
    "slots": {
        "sig": ["{app}:", "VIP Casino:", "SportsBet:", "Jackpot Club:"],
        "open": ["Hey {name}!", "VIP player,", "Congrats!", "Lucky you,"],
        "pre": ["claim {n}00 free spins with no deposit", "{pct} bonus on your first deposit", "your {small} free bet is waiting", "live roulette and blackjack 24/7, instant payouts",
                "jackpot of {big} must drop tonight", "we've credited {money} bonus cash to your account", "guaranteed winning tips for {football|horse racing}", "no KYC casino, crypto welcome"],
        "hook": ["withdraw any time, no limits", "wager {n}x to cash out", "we refund {pct} of losses", "pay {pct} tax to release your winnings"],
        "cta": ["play at {flink}", "claim: {flink}", "download {app}", "join on Telegram {tg}", "spin now {flink}"],
        "urg": ["Expires {deadline}.", "Today only.", "Limited time."],
        "close": ["18+ gamble responsibly", "Reply STOP to opt out", "Good luck!"],
    },
}

EN_FRAUD["sextortion_naked_chat"] = {
    "values": {"app": ["NightChat", "SecretMeet", "HotLive", "PrivCam"]},
    "forms": ["open? pre hook? cta close?4", "pre cta", "open? ext threat cta2 close2?5"],
    "slots": {
        "open": ["Hey handsome,", "Hi sexy,", "hey u", "Hi {name},", "Hello,"],
        "pre": ["lonely tonight? private video chat with local girls", "I'm bored and alone, want to video call?", "saw your profile, you're cute", "{n} singles near you want to chat",
                "I'll send you private pics if you add me"],
        "hook": ["my camera only works on {app}", "just verify you're over 18 for {small}", "download the app so we can talk privately"],
        "cta": ["add me on Snapchat {tg}", "download {flink}", "chat here {flink}", "WhatsApp me {wa}"],
        "ext": ["{name}, we recorded your video call", "I have a video of you and all your contacts", "your webcam was hacked and I have recordings",
                "I have your Facebook friends list and your video"],
        "threat": ["pay {big} or it goes to everyone you know", "send {money} in Bitcoin within {n} hours", "if you go to the police I'll post it everywhere",
                   "pay {money} and I will delete it"],
        "cta2": ["send to BTC wallet bc1q{code}", "contact me on Telegram {tg}", "reply to arrange payment", "pay via gift cards"],
        "close": ["xx", "see u soon ;)", "don't keep me waiting"],
        "close2": ["Don't tell anyone.", "Clock is ticking.", "I'm serious."],
    },
}

EN_FRAUD["fake_online_shopping"] = {
    "forms": ["sig?4 open? pre hook? cta urg?4 close?3", "pre cta", "open pre hook cta"],
    "slots": {
        "sig": ["Clearance Outlet:", "{shop} Deals:", "Warehouse Sale:", "Brand Outlet:"],
        "open": ["Hi {name},", "Flash sale!", "Exclusive:", "Hello,"],
        "pre": ["{iPhone 15|PS5|Dyson Airwrap|AirPods Pro} for only {money}", "designer {handbags|trainers} at {n}0% off, factory surplus", "concert tickets for {Taylor Swift|Coldplay|Oasis} still available",
                "puppies for rehoming, just pay delivery", "returned pallet of electronics for {money}", "{Ray-Ban|Nike|Pandora} clearance, everything must go", "brand new laptop, unwanted gift, {money}"],
        "hook": ["pay by bank transfer for a discount", "PayPal friends and family only", "deposit {small} to reserve", "we ship after payment, tracking in {n} days",
                 "courier fee {small} first"],
        "cta": ["shop at {flink}", "order: {flink}", "message me on WhatsApp {wa}", "text {phone}", "DM {tg}"],
        "urg": ["Only {n} left!", "Ends {deadline}.", "Hurry."],
        "close": ["Reply STOP to unsubscribe", "Free delivery.", "100% genuine."],
    },
}

EN_FRAUD["game_trading"] = {
    "values": {"app": ["SkinVault", "ItemSwap", "FreeRobux", "VBucksNow", "TradeLoot"]},
    "forms": ["sig?4 open? pre hook? cta urg?4", "pre cta", "open pre hook cta"],
    "slots": {
        "sig": ["{game}:", "{game} Rewards:", "Steam Support:", "Epic Games:"],
        "open": ["Hey gamer,", "Hi {name},", "Yo,", "Player,"],
        "pre": ["free {10,000|5,000|20,000} {V-Bucks|Robux|coins} for you", "rare {game} skins at {n}0% off", "your {game} account has been banned for {n} days, appeal now",
                "selling max level {game} account for {money}", "a buyer purchased your {game} item for {money}", "claim a free {knife|skin|battle pass} in {game}",
                "{game} double-recharge event, top up at {n}0% off"],
        "hook": ["log in with your {Steam|Epic|Xbox} details to claim", "pay a {small} escrow deposit to receive the money", "trade outside the platform, it's cheaper",
                 "enter the code we send you to verify"],
        "cta": ["claim: {flink}", "login at {flink}", "add me on Discord {tg}", "download {app}", "trade at {flink}"],
        "urg": ["Offer ends {deadline}.", "Only {n} codes left.", "Act fast."],
    },
}

EN_FRAUD["overseas_recruitment"] = {
    "forms": ["open? pre hook cta urg?3 close?4", "pre cta", "open pre hook? cta close?4"],
    "slots": {
        "open": ["Hi {name},", "Hello,", "Job offer:", "Dear candidate,", "URGENT HIRING:"],
        "pre": ["{customer service|data entry|marketing|IT support} jobs in {country}, {salary}", "English speakers wanted in {country}, {salary} plus bonus",
                "our company in {country} is hiring, flights and accommodation paid", "easy typing job in {country}, no experience, {salary}",
                "casino and online sales roles in {country}, tax-free {salary}"],
        "hook": ["we arrange your visa, you fly in on a tourist visa", "flight booked within {n} days", "pay {fee} for the work permit first",
                 "our driver meets you at the airport", "no interview needed"],
        "cta": ["message HR on Telegram {tg}", "WhatsApp {wa}", "apply at {flink}", "text {phone}"],
        "urg": ["Start next week.", "{n} places only.", "Apply {deadline}."],
        "close": ["Don't tell your family until you're settled.", "Opportunity of a lifetime.", "Regards, HR."],
    },
}

EN_FRAUD["elderly_care_investment"] = {
    "values": {"app": ["SilverYears", "PensionPlus", "GoldenCare", "RetireWell Pro"]},
    "forms": ["sig?5 open? pre hook cta urg?4 close?3", "pre cta", "open pre hook? cta close?4"],
    "slots": {
        "sig": ["Pension Service:", "Medicare:", "Retirement Advisory:", "{app}:", "Senior Benefits:"],
        "open": ["Dear {Mr|Mrs} {last},", "Hello,", "Dear pensioner,", "Good news!"],
        "pre": ["you may be able to release your pension early, tax-free", "care home bonds paying {pct} a year, capital guaranteed", "you are entitled to a pension top-up of {money} a month",
                "your Medicare card needs to be replaced", "equity release: get {big} from your home and keep living in it", "a miracle supplement that reverses {arthritis|diabetes|memory loss}",
                "invest in {assisted living|retirement village} units with {pct} returns", "rare {coins|stamps} from your collection could be worth {big}"],
        "hook": ["a small arrangement fee of {fee} applies", "government backed, zero risk", "confirm your bank details to receive it", "places limited for over-65s"],
        "cta": ["call {phone}", "visit {flink}", "reply YES", "download {app}", "free consultation on {phone}"],
        "urg": ["Offer ends {deadline}.", "Only {n} places left."],
        "close": ["No need to involve your children.", "Reply STOP to opt out", "Enjoy your retirement."],
    },
}

EN_FRAUD["other"] = {
    "forms": ["sig?7 open?4 pre hook?5 cta urg?5 close?3", "sig?6 pre cta", "sig?5 pre2 cta urg?5"],
    "slots": {
        "sig": ["{courier}:", "{bank}:", "DVLA:", "E-ZPass:", "TfL:", "HMRC:", "NHS:", "{oper}:", "USPS:", "Toll Services:", "Energy Bill:", "Rewards:", "GOV.UK:"],
        "open": ["Dear customer,", "Hi {name},", "Reminder:", "Notice:", "Congratulations!"],
        "pre": ["your parcel {track} could not be delivered due to {an unpaid shipping fee|incorrect address}", "a redelivery fee of {small} is required for your parcel",
                "your {bank} account has been {suspended|restricted|locked}", "a new payee was added to your {bank} account. If not you, verify now",
                "you have an unpaid toll of {small}", "you have an outstanding {parking|congestion charge|speeding} fine of {small}", "you are due a tax refund of {money}",
                "your NHS {prescription|vaccine} record needs updating", "your mobile number won {big} in our draw", "your {oper} reward points ({pts}) expire {deadline}",
                "your {electricity|energy|water} bill is overdue and supply will be cut", "you are eligible for a {cost of living|energy} payment of {money}",
                "your vehicle tax has expired", "your Apple ID has been locked"],
        "pre2": ["Parcel on hold: pay {small}.", "Account suspended: verify now.", "Unpaid toll {small}.", "Tax refund {money} pending.", "Points expire {deadline}.", "Fine unpaid: {small}."],
        "hook": ["pay the fee to release it", "confirm your card details", "enter the code you receive", "update your details to avoid penalties"],
        "cta": ["visit {flink}", "pay at {flink}", "verify: {flink}", "claim at {flink}", "update at {flink}", "{flink}", "call {phone}"],
        "urg": ["within {n} hours", "Failure to pay {deadline} adds a penalty.", "Act {deadline}.", "Expires {deadline}."],
        "close": ["Thank you.", "Reply Y then reopen this message to activate the link.", "Do not reply."],
    },
}


# --------------------------------------------------------------------------
# English legitimate phrase banks
# --------------------------------------------------------------------------

EN_LEGIT = {}

EN_LEGIT["bank_alert"] = (450, {
    "forms": ["sig main bal?6 tail?4", "sig main2 tail?5"],
    "slots": {
        "sig": ["{bank}:", "{bank} Alert:", "{bank}"],
        "main": ["A {payment|purchase|card payment} of {money} was made at {Tesco|Amazon|Shell|Uber|Starbucks|Sainsbury's|Walmart|Target} on your card ending {tail}",
                 "{money} has been paid into your account ending {tail}", "You sent {money} to {fullname}", "Your salary of {big} has arrived",
                 "Direct debit of {small} to {oper} was collected", "Your account ending {tail} is overdrawn by {small}", "A refund of {small} from {shop} has been credited",
                 "You withdrew {money} at an ATM in {city}", "Your standing order of {money} to {fullname} was paid", "New payee {fullname} added on {date} at {time}"],
        "main2": ["Did you make a {money} purchase at {shop}? Reply Y or N. We'll never ask for your PIN or passcode.",
                  "We've frozen your card ending {tail} after a suspicious attempt. Unfreeze it in the {bank} app. We will never ask you to move money to a safe account.",
                  "Your card ending {tail} has been unfrozen in the app.", "Your new card ending {tail} is on its way and will arrive in {n} working days.",
                  "Your balance is below {small}. Top up in the app to avoid missed payments."],
        "bal": ["Balance: {big}.", "Available balance {money2}.", "Bal {money2}."],
        "tail": ["Not you? Call the number on the back of your card.", "We'll never ask you to move money to a safe account.", "Manage alerts in the app.", "Visit {bankdom}."],
    },
})

EN_LEGIT["otp"] = (400, {
    "forms": ["sig? main warn?8", "main", "sig main2"],
    "slots": {
        "sig": ["{bank}:", "{shop}:", "Google:", "WhatsApp:", "Microsoft:", "Uber:", "Steam:", "Instagram:", "GOV.UK:", "HMRC:", "Revolut:", "Coinbase:"],
        "main": ["Your verification code is {code}", "{code} is your {shop} code", "Use {code} to verify your account", "Your one-time passcode for a {money} payment to {shop} is {code}",
                 "G-{code} is your Google verification code", "Your security code is {code}, valid for {n} minutes", "Your login code: {code}", "Code {code} to reset your password"],
        "main2": ["{code} is your code. Don't share it with anyone.", "Enter {code} to confirm your new device."],
        "warn": ["Never share this code, not even with us.", "We will never call you to ask for it.", "If you didn't request this, ignore this message.", "Don't share it with anyone.",
                 "If someone asks you for this code, it's a scam."],
    },
})

EN_LEGIT["delivery"] = (400, {
    "forms": ["sig main more?6", "sig? main", "sig main2"],
    "slots": {
        "sig": ["{courier}:", "{courier}", "{shop}:"],
        "main": ["Your parcel {track} will be delivered {weekday} between {time} and {time2}", "Your parcel has been delivered to your {safe place|neighbour|porch}",
                 "Your order {order} has been dispatched", "Your driver {name} is {n} stops away", "We missed you today. Your parcel will be redelivered {weekday}, no fee needed",
                 "Your parcel is ready to collect from {locker|post office} with code {code}", "Your return has been received; refund of {money} on its way",
                 "Your order {order} is out for delivery"],
        "main2": ["We will never text you asking for a redelivery fee. Track your parcel at {courdom}.", "Your parcel {track} is at the depot. Manage delivery in the app."],
        "more": ["Track at {courdom}", "Manage at {courdom}/track", "Reply STOP to opt out"],
    },
})

EN_LEGIT["bill"] = (280, {
    "forms": ["sig main tail?6"],
    "slots": {
        "sig": ["{oper}:", "{bank}:", "British Gas:", "Octopus Energy:", "Thames Water:", "Council Tax:", "Con Edison:", "Comcast:", "Sky:", "Virgin Media:"],
        "main": ["Your bill of {money} is ready and will be collected by direct debit on {date}", "Your credit card statement is ready. Minimum payment {small} due {date}",
                 "Payment of {money} received, thank you", "Your direct debit of {small} failed. Please check your bank account", "Your {electricity|gas|water} bill is {money}, due {date}",
                 "Reminder: council tax instalment of {money} due on {date}"],
        "tail": ["View it in your online account.", "Questions? Log in to your account.", "Thank you."],
    },
})

EN_LEGIT["operator"] = (280, {
    "forms": ["sig main tail?6"],
    "slots": {
        "sig": ["{oper}:", "{oper}"],
        "main": ["You've used {n}0% of your {gb} data allowance", "Your plan renews on {date}", "Your bundle has been added: {gb} for {small}",
                 "Welcome abroad! Roaming costs {small} per day", "Your upgrade is available from {date}", "You have {pts} rewards points to spend in the app",
                 "Your top-up of {small} was successful"],
        "tail": ["Check usage in the app.", "Visit {operdom}.", "Text STOP to opt out."],
    },
})

EN_LEGIT["offers"] = (200, {
    "forms": ["sig main where opt", "sig main2 where? opt"],
    "slots": {
        "sig": ["{shop}:", "{bank}:", "{shop} Rewards:"],
        "main": ["Congratulations! You've unlocked a {£5|£10|20%} voucher", "Your {birthday|welcome|loyalty} reward is ready to claim",
                 "You have {2|3|4} coupons waiting, up to {£10|£15} off", "Points worth {£5|£8} expire {this week|on Sunday}"],
        "main2": ["You're pre-approved for a credit limit increase", "Spread the cost: instalments on your last statement from {0%|2.9%}",
                  "Personal loans from {5.9%|6.4%} APR representative"],
        "where": ["Claim in the app", "Log in to your account to view", "See it in the app under Offers", "Apply in our app or online banking"],
        "opt": ["Reply STOP to opt out", "Text STOP to unsubscribe", "STOP to end"],
    },
})

EN_LEGIT["marketing"] = (330, {
    "forms": ["sig main offer? opt", "sig main opt"],
    "slots": {
        "sig": ["{shop}:", "Boots:", "ASOS:", "Domino's:", "Costa:", "Nike:", "H&M:", "Uber Eats:", "Deliveroo:", "Sephora:", "{oper}:", "Greggs:"],
        "main": ["{n}0% off everything this weekend", "Your {small} voucher is waiting", "Sale ends tonight", "New season has landed", "Free delivery on orders over {small}",
                 "Happy birthday {name}! Here's {small} off", "Double points all week", "2 for 1 {pizzas|coffees} today only"],
        "offer": ["Use code {code} at checkout.", "Shop at {shopdom}.", "T&Cs apply."],
        "opt": ["Reply STOP to opt out", "Txt STOP to unsubscribe", "STOP to end", "Opt out: reply STOP"],
    },
})

EN_LEGIT["antifraud"] = (350, {
    "forms": ["sig main more? tail?5", "sig main"],
    "slots": {
        "sig": ["{bank}:", "Action Fraud:", "{city} Police:", "Take Five:", "{oper}:", "FTC:"],
        "main": ["We will never ask you to move money to a safe account", "The police will never ask you to transfer money or buy gift cards",
                 "Never share your one-time passcode, even with {bank} staff", "If a text says 'Hi Mum, new number', call the old number to check",
                 "Investment offers promising guaranteed returns are scams", "Scammers pretend to be couriers asking for a redelivery fee",
                 "Never pay a fee to release a loan or unfreeze an account", "A job that asks you to pay to start work is a scam",
                 "If someone asks you to install remote access software, hang up"],
        "more": ["Forward scam texts to 7726.", "Report to Action Fraud on 0300 123 2040.", "Stop, challenge, protect.", "Report to reportfraud.ftc.gov."],
        "tail": ["Stay safe.", "Tell your family.", "Take Five to Stop Fraud."],
    },
})

EN_LEGIT["government"] = (330, {
    "forms": ["sig main tail?6"],
    "slots": {
        "sig": ["GOV.UK:", "HMRC:", "NHS:", "DVLA:", "IRS:", "{city} Council:", "DWP:", "Social Security:", "Electoral Services:"],
        "main": ["Your Self Assessment tax return is due by {date}. File online at gov.uk", "Your COVID/flu vaccination is booked for {date} at {time}",
                 "Your vehicle tax for {plate} is due on {date}. Tax online at gov.uk/vehicle-tax", "Your passport application has been approved",
                 "HMRC will never text you about a tax refund with a link", "Your bin collection changes to {weekday} from {date}",
                 "Your exam results will be available on {date}", "Your benefit payment of {money} will be paid on {date}", "Poll cards have been sent for the election on {date}"],
        "tail": ["Do not reply.", "More info at gov.uk.", "Thank you."],
    },
})

EN_LEGIT["appointment"] = (230, {
    "forms": ["sig main tail?6"],
    "slots": {
        "sig": ["{clinic}:", "{company}:", "Specsavers:", "Halfords:", "{school}:"],
        "main": ["Reminder: appointment with Dr {last} on {date} at {time}", "Your MOT is booked for {date} at {time}", "Your eye test is on {date} at {time}",
                 "Parents evening is on {date} from {time}", "Your table for {n} is booked for {time} {weekday}", "Your haircut with {name} is confirmed for {date} {time}"],
        "tail": ["Reply C to cancel.", "Please arrive 10 minutes early.", "Thanks!"],
    },
})

EN_LEGIT["ride_food"] = (230, {
    "forms": ["sig main"],
    "slots": {
        "sig": ["Uber:", "Bolt:", "Lyft:", "Deliveroo:", "Just Eat:", "DoorDash:", "Uber Eats:", "Trainline:"],
        "main": ["{name} is arriving in a {Toyota Prius|Skoda Octavia|Tesla Model 3} {plate}", "Your driver has arrived", "Your order from {food} place is on its way",
                 "Your trip cost {small}. Receipt in the app", "Your food has been delivered. Enjoy!", "Your refund of {small} has been issued to your card",
                 "Your e-ticket for {date} {time} to {city} is in the app"],
    },
})

EN_LEGIT["login"] = (230, {
    "forms": ["sig main tail?6"],
    "slots": {
        "sig": ["Google:", "Microsoft:", "{shop}:", "{bank}:", "Apple:", "Facebook:", "Instagram:", "LinkedIn:"],
        "main": ["New sign-in to your account from {Windows|iPhone|Android|Mac} in {city}", "Your password was changed on {date}", "A new device was added to your account",
                 "Your account recovery email was updated", "Two-step verification is now on"],
        "tail": ["If this wasn't you, secure your account in the app.", "No action needed if this was you.", "We'll never ask for your password."],
    },
})

EN_LEGIT["job"] = (200, {
    "forms": ["sig? main tail?6"],
    "slots": {
        "sig": ["{company}:", "Indeed:", "Reed:", "LinkedIn:"],
        "main": ["Hi {name}, thanks for applying for the {warehouse operative|admin assistant|nurse|software engineer} role. Can you do an interview {date} at {time}?",
                 "Your interview at {company} is confirmed for {date}, {time}", "Congratulations, we'd like to offer you the position. Contract to follow by email",
                 "A recruiter viewed your profile", "Please bring your passport and proof of address on your first day", "Jobs fair at {city} town hall {date}, free entry"],
        "tail": ["We never charge candidates fees.", "Reply to confirm.", "Thanks."],
    },
})

EN_LEGIT["wealth"] = (200, {
    "forms": ["sig main risk opt"],
    "slots": {
        "sig": ["{bank}:", "{bank} Investments:", "Vanguard:", "Hargreaves Lansdown:", "Fidelity:"],
        "main": ["Your ISA allowance resets on 6 April. Top up in the app", "Our fixed saver now pays {pct} AER", "Your monthly investment of {money} was made",
                 "Your pension statement is ready", "New ready-made funds are available in the app"],
        "risk": ["Capital at risk.", "The value of investments can go down as well as up.", "Past performance is not a guide to the future."],
        "opt": ["Reply STOP to opt out", "Manage marketing preferences in the app"],
    },
})

EN_LEGIT["lookalike_notice"] = (190, {
    "forms": ["sig main tail?6"],
    "slots": {
        "sig": ["{shop}:", "{courier}:", "{bank}:", "{oper}:"],
        "main": ["Your refund of {money} for order {order} has been processed", "Your membership will renew on {date} for {small}. Manage it in your account settings",
                 "Your account is now unlocked", "Your compensation claim for parcel {track} has been approved. No payment is needed",
                 "Your subscription has been cancelled", "Your points balance is {pts}"],
        "tail": ["We will never ask for your password.", "Manage it in the app.", "No action needed."],
    },
})

EN_LEGIT["personal"] = (900, {
    "forms": ["open? main add?5 end?4", "main", "main add", "open main"],
    "slots": {
        "open": ["{rel},", "Hi {name},", "Hey,", "Hiya", "{name}!", "Morning!", "Oi", "Hey hun,"],
        "main": ["this is my new number, old one's dead. save it x", "sent you {money} for the tickets", "dinner at {time}? I'm making {food}", "running late, there in {n}0 min",
                 "meet at {place} {weekday}?", "can you transfer me {small} for the gas bill? I'll pay you back friday", "thanks for the money, got it", "call me when you can, nothing bad",
                 "did you get home ok?", "have you paid the rent yet? it's {money} each", "don't forget Nan's birthday {weekday}", "I'm outside", "my phone's about to die",
                 "can you pick up the kids at {time}?", "the bank froze my card lol, had to ring them, all sorted now", "got a weird text saying my parcel needs a fee, ignoring it",
                 "mum got a 'new number' text from someone pretending to be me, tell her it's not me", "what's your sort code? I owe you {small}", "booked the table for {n}",
                 "urgent!! left my keys at {place}", "happy birthday!! sent a little something", "we're at {place}", "splitting the bill, you owe {small}",
                 "lol did you see that", "how was the interview?", "can I borrow {money} till payday? totally fine if not"],
        "add": ["x", "xx", "thanks", "love you", "cheers", ":)", "ta", "no rush", "asap pls"],
        "end": ["see you soon", "night", "ttyl", "bye x"],
    },
})

# Notices that ask for a payment, a renewal or a check, but only through the sender's own app,
# site or counter: the same words as a scam, with nowhere to send money but the real thing.
EN_SERVICES = [("Verizon", "verizon.com"), ("AT&T", "att.com"), ("T-Mobile", "t-mobile.com"), ("giffgaff", "giffgaff.com"),
               ("Telstra", "telstra.com.au"), ("Optus", "optus.com.au"), ("British Gas", "britishgas.co.uk"),
               ("Octopus Energy", "octopus.energy"), ("Thames Water", "thameswater.co.uk"), ("Con Edison", "coned.com"),
               ("PG&E", "pge.com"), ("Origin Energy", "originenergy.com.au"), ("Sky", "sky.com"), ("BT", "bt.com"),
               ("Virgin Media", "virginmedia.com"), ("Xfinity", "xfinity.com"), ("TV Licensing", "tvlicensing.co.uk"),
               ("Spotify", "spotify.com"), ("Disney+", "disneyplus.com"), ("E-ZPass", "e-zpassny.com"), ("Linkt", "linkt.com.au")]
EN_AUTHORITIES = [("TfL", "tfl.gov.uk"), ("DVLA", "gov.uk"), ("Service NSW", "service.nsw.gov.au"), ("ATO", "ato.gov.au"),
                  ("myGov", "my.gov.au"), ("USCIS", "uscis.gov"), ("DMV", "dmv.ca.gov"), ("HM Courts & Tribunals", "gov.uk"),
                  ("IRS", "irs.gov"), ("NHS", "nhs.uk"), ("Medicare", "medicare.gov"), ("Passport Office", "gov.uk"),
                  ("Revenue NSW", "revenue.nsw.gov.au"), ("CRA", "canada.ca")]
EN_BROKERS = ["Vanguard", "Hargreaves Lansdown", "Fidelity", "Trading 212", "Coinbase", "Kraken", "eToro", "Robinhood", "Nutmeg",
              "Moneybox", "Schwab"]

EN_LEGIT["service_due"] = (300, {
    "forms": ["sig main tail?5"],
    "slots": {
        "sig": ["{svc}:", "{svc} Alert:", "{svc} Free Msg:"],
        "main": ["Your bill of {money} is overdue. Please pay by {date} to avoid a late fee. Pay in the {svc} app or at {svcdom}",
                 "We couldn't take your payment of {money}. Please update your payment details at {svcdom} or in the app",
                 "Your service will be restricted on {date} unless the balance of {money} is paid. Pay at {svcdom} or call the number on your bill",
                 "From {date} your monthly price goes up by {small}. Details at {svcdom}", "You have {nn}00 reward points expiring on {date}. Use them at {svcdom}",
                 "Your account is {small} in credit. We'll refund it to your bank within 5 working days, nothing to do",
                 "Your Direct Debit of {money} will be taken on or after {date}", "Welcome to {country}. Roaming charges of {small} a day apply when you use your phone",
                 "To keep your SIM active, confirm your ID in the {svc} app or in store by {date}. We never ask for this by text link",
                 "Your contract ends on {date}. See your options in the app or at {svcdom}", "Your meter reading is due. Submit it at {svcdom}/meter",
                 "Your subscription renews on {date} for {small}. Manage it at {svcdom}/account", "Your card on file expires soon. Update it in your account at {svcdom}"],
        "tail": ["Reply STOP to opt out.", "Thanks.", "Msg&data rates may apply.", "Do not reply to this message."],
    },
})

EN_LEGIT["authority_due"] = (240, {
    "forms": ["sig main tail?5"],
    "slots": {
        "sig": ["{auth}:", "{auth} reminder:"],
        "main": ["A Penalty Charge Notice {ref} has been issued to {plate}. Pay or challenge it at {authdom} by {date}",
                 "Your vehicle registration for {plate} expires on {date}. Renew at {authdom}", "Your case status has changed. Sign in at {authdom} to see it",
                 "Your tax return is due by {date}. File online at {authdom}", "You have a new message in your online account. Sign in at {authdom} to read it",
                 "Your appointment is on {date} at {time}. To change it, visit {authdom}", "Your refund of {money} has been issued to your nominated bank account",
                 "Your licence expires on {date}. Renew online at {authdom}", "You are eligible for a free vaccination. Book at {authdom}",
                 "A toll of {small} for {plate} is unpaid. Pay it at {authdom} within 14 days to avoid a penalty",
                 "Your hearing is listed for {date} at {time}. Details are in your online account at {authdom}"],
        "tail": ["We will never ask for your bank details by text.", "Do not reply.", "Thank you."],
    },
})

EN_LEGIT["broker"] = (140, {
    "forms": ["sig main risk?7"],
    "slots": {
        "sig": ["{broker}:"],
        "main": ["Your deposit of {money} has been credited to your account", "Your order to buy {small} of {BTC|ETH|an index fund|shares} has been filled",
                 "Your withdrawal of {money} is on its way to your bank", "Your ISA allowance resets on {date}. Top up in the app",
                 "Your monthly investment of {money} will be collected on {date}", "Your annual statement is ready in the app"],
        "risk": ["Capital at risk.", "Crypto is high risk and largely unregulated.", "The value of investments can go down as well as up.",
                 "CFDs are complex instruments and come with a high risk of losing money."],
    },
})

EN_LEGIT["antifraud_more"] = (260, {
    "forms": ["sig main more? tail?5", "sig main"],
    "slots": {
        "sig": ["{bank}:", "{city} Police:", "Scamwatch:", "Age UK:", "Citizens Advice:", "{oper}:", "ACCC:", "Which?:", "{auth}:"],
        "main": ["Buying or selling game accounts or items outside the official store is a common scam. Never pay through a link from the buyer",
                 "If a 'refund agent' asks you to install an app or share your screen, hang up", "Overseas jobs offering high pay with free flights can be traps. Check before you travel",
                 "Beware of anyone offering guaranteed returns on care homes, pensions or property", "Someone you met online who talks about crypto profits may be a scammer",
                 "If someone threatens to share intimate images unless you pay, don't pay. Report it to police",
                 "Online casinos promising sure wins are scams; you won't be able to withdraw", "Tasks that pay you to like videos then ask for a deposit are scams",
                 "No real lender asks for a fee before paying out a loan", "Texts about unpaid tolls or parcel fees with a link are usually scams",
                 "Your grandchildren will never text from a new number asking for money without calling", "We will never call to say your account is at risk and ask you to move money"],
        "more": ["Forward suspicious texts to 7726.", "Report scams at scamwatch.gov.au.", "Call 159 to reach your bank safely.", "Talk to someone you trust first."],
        "tail": ["Stay safe.", "Please share with family.", "Take Five."],
    },
})

EN_LEGIT["personal_more"] = (600, {
    "forms": ["open? main add?4", "main", "main add?3"],
    "slots": {
        "open": ["{rel},", "Hi {name},", "Hey,", "{name}!", "Morning,", "Hiya,"],
        "main": ["this made me laugh {sharelink}", "thought you'd like this {sharelink}", "is this the one you meant? {sharelink}",
                 "found the jacket on sale {sharelink}", "here's the article I mentioned {sharelink}", "vote for Amy's team here {sharelink}",
                 "I'm at the hospital with Dad, all fine, just tests. Will call later", "school rang, Jack's got a temperature, I'm picking him up",
                 "can you grab milk on the way back", "sent you {small} for lunch, don't spend it all on sweets", "any chance you could lend me {money} till the 28th?",
                 "you owe me {small} for the taxi, no rush", "rent's due {weekday}, {money} each, bank transfer is fine", "class trip money is {small}, pay via the school app",
                 "broke my phone so using this one for a few days", "new work phone, this is the number for now", "I've paid the gas, we're square",
                 "your parcel came, left it with next door", "mum says thanks for the money", "just transferred {money}, let me know when it lands",
                 "boss wants the slides by {time}, can you send them over", "the landlord's coming round {weekday} about the boiler"],
        "add": ["x", "thanks", "cheers", "no rush", "lol", "speak later"],
    },
})

EN_GENS["svc"] = lambda c: c.setdefault("_svc", pick(EN_SERVICES))[0]
EN_GENS["svcdom"] = lambda c: (c.get_ph("svc"), c["_svc"][1])[1]
EN_GENS["auth"] = lambda c: c.setdefault("_auth", pick(EN_AUTHORITIES))[0]
EN_GENS["authdom"] = lambda c: (c.get_ph("auth"), c["_auth"][1])[1]
EN_GENS["broker"] = lambda c: pick(EN_BROKERS)
EN_GENS["sharelink"] = lambda c: pick([
    lambda: "https://youtu.be/" + ralnum(11), lambda: "https://amzn.to/" + ralnum(7),
    lambda: "https://open.spotify.com/track/" + ralnum(22), lambda: "https://www.bbc.co.uk/news/articles/c" + ralnum(10).lower(),
    lambda: "https://www.instagram.com/p/" + ralnum(11), lambda: "https://vm.tiktok.com/" + ralnum(9),
    lambda: "https://maps.app.goo.gl/" + ralnum(17), lambda: "https://docs.google.com/forms/d/e/" + ralnum(20),
    lambda: "https://www.ebay.co.uk/itm/" + rdigits(12), lambda: "https://www.theguardian.com/" + pick(["uk-news", "food", "sport"]) + "/2025/" + rdigits(2),
    lambda: "https://gofund.me/" + ralnum(8).lower(),
])()


EN_SUBS = {
    "account": ["acc0unt", "acc\u043eunt", "a c c o u n t", "accouпt"], "verify": ["ver1fy", "v3rify", "verif y", "veri\u0444y"],
    "WhatsApp": ["Whats App", "WhatsAp p", "W/App", "W.h.a.t.s.A.p.p", "Whatsaap"], "Telegram": ["Te1egram", "TG", "Tele gram", "T-e-l-e-g-r-a-m"],
    "refund": ["r3fund", "refu nd", "ref\u03c5nd"], "PayPal": ["PayPaI", "Paypa1", "P4yPal"], "Amazon": ["Amaz0n", "Arnazon", "Amaz\u043en"],
    "bank": ["b@nk", "b4nk"], "free": ["fr.ee", "fr33", "FR-EE"], "casino": ["c@sino", "cas1no", "ca\u0455ino"], "bonus": ["b0nus", "bon.us"],
    "loan": ["l0an", "lo@n"], "parcel": ["parce1", "p@rcel"], "gift": ["g1ft", "gif t"], "crypto": ["crypt0", "kripto"], "password": ["passw0rd", "pa55word"],
    "HMRC": ["H.M.R.C", "HMRC-GOV"], "police": ["po1ice", "p0lice"], "deposit": ["dep0sit", "de-posit"], "Bitcoin": ["B1tcoin", "BTC"],
}


def en_sub(text, lang):
    keys = [k for k in EN_SUBS if k.lower() in text.lower()]
    if not keys:
        return text
    k = pick(keys)
    return re.sub(re.escape(k), pick(EN_SUBS[k]), text, count=1, flags=re.I)


def add_long_forms(specs):
    """Give every fraud type one form with all its slots: long 150+ messages."""
    for spec in specs.values():
        for sub in spec.get("variants", [spec]):
            long_form = " ".join(tok.split("?")[0] for tok in sub["forms"][0].split())
            if long_form not in sub["forms"]:
                sub["forms"].append(long_form)


add_long_forms(ZH_FRAUD)
add_long_forms(EN_FRAUD)


# === MAIN ===

def main():
    langs = [("zh", ZH_FRAUD, ZH_LEGIT, ZH_GENS)]
    if "EN_FRAUD" in globals():
        langs.append(("en", EN_FRAUD, EN_LEGIT, EN_GENS))
    ok = True
    for lang, fraud, legit, gens in langs:
        rows, kinds = generate_language(lang, fraud, legit, gens)
        write_csv(os.path.join(OUT_DIR, lang + ".csv"), rows)
        report(lang, rows, kinds)
        counts = {}
        for label, _ in rows:
            counts[label] = counts.get(label, 0) + 1
        for label in FRAUD_LABELS:
            if counts.get(label, 0) < FRAUD_PER_TYPE:
                ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
