"""Word lists the generators draw from, so seeded data reads like a Chinese B2B customer base.

Everything here is fictional; the lists are tuples so their order (and hence every draw from a
seeded `random.Random`) never depends on hashing.
"""

from __future__ import annotations

from typing import NamedTuple

from domain.enums import Region


class City(NamedTuple):
    """A place customers sit in: what an address, a landline and a USCC need to agree on."""

    zh: str
    prefix: str
    pinyin: str
    area_code: str
    division: str
    districts: tuple[str, ...]


class OverseasCity(NamedTuple):
    """A foreign site: an English address and an E.164 prefix instead of a USCC."""

    name: str
    country: str
    dial: str
    digits: int
    suffix: str


CITIES: dict[Region, tuple[City, ...]] = {
    Region.NORTH: (
        City("北京", "北京市", "Beijing", "010", "110105", ("朝阳区", "海淀区", "大兴区")),
        City("天津", "天津市", "Tianjin", "022", "120116", ("滨海新区", "西青区")),
        City("石家庄", "河北省石家庄市", "Shijiazhuang", "0311", "130104", ("桥西区", "长安区")),
        City("太原", "山西省太原市", "Taiyuan", "0351", "140105", ("小店区", "万柏林区")),
    ),
    Region.NORTHEAST: (
        City("沈阳", "辽宁省沈阳市", "Shenyang", "024", "210106", ("铁西区", "浑南区")),
        City("大连", "辽宁省大连市", "Dalian", "0411", "210211", ("甘井子区", "金州区")),
        City("长春", "吉林省长春市", "Changchun", "0431", "220104", ("朝阳区", "绿园区")),
        City("哈尔滨", "黑龙江省哈尔滨市", "Harbin", "0451", "230103", ("南岗区", "松北区")),
    ),
    Region.EAST: (
        City("上海", "上海市", "Shanghai", "021", "310115", ("浦东新区", "闵行区", "嘉定区")),
        City("苏州", "江苏省苏州市", "Suzhou", "0512", "320505", ("工业园区", "吴中区", "相城区")),
        City("杭州", "浙江省杭州市", "Hangzhou", "0571", "330106", ("西湖区", "滨江区", "余杭区")),
        City("宁波", "浙江省宁波市", "Ningbo", "0574", "330212", ("鄞州区", "北仑区")),
        City("南京", "江苏省南京市", "Nanjing", "025", "320115", ("江宁区", "雨花台区")),
        City("青岛", "山东省青岛市", "Qingdao", "0532", "370211", ("黄岛区", "城阳区")),
        City("合肥", "安徽省合肥市", "Hefei", "0551", "340104", ("蜀山区", "包河区")),
        City("厦门", "福建省厦门市", "Xiamen", "0592", "350206", ("湖里区", "集美区")),
    ),
    Region.CENTRAL: (
        City("武汉", "湖北省武汉市", "Wuhan", "027", "420111", ("东湖高新区", "江夏区", "汉阳区")),
        City("长沙", "湖南省长沙市", "Changsha", "0731", "430104", ("岳麓区", "雨花区")),
        City("郑州", "河南省郑州市", "Zhengzhou", "0371", "410105", ("金水区", "二七区")),
        City("南昌", "江西省南昌市", "Nanchang", "0791", "360111", ("青山湖区", "红谷滩区")),
    ),
    Region.SOUTH: (
        City("深圳", "广东省深圳市", "Shenzhen", "0755", "440305", ("南山区", "宝安区", "龙华区")),
        City("广州", "广东省广州市", "Guangzhou", "020", "440106", ("天河区", "黄埔区", "番禺区")),
        City("东莞", "广东省东莞市", "Dongguan", "0769", "441900", ("松山湖", "长安镇")),
        City("中山", "广东省中山市", "Zhongshan", "0760", "442000", ("火炬开发区", "小榄镇")),
        City("佛山", "广东省佛山市", "Foshan", "0757", "440606", ("顺德区", "南海区")),
        City("南宁", "广西壮族自治区南宁市", "Nanning", "0771", "450103", ("青秀区", "西乡塘区")),
    ),
    Region.SOUTHWEST: (
        City("成都", "四川省成都市", "Chengdu", "028", "510107", ("武侯区", "高新区", "双流区")),
        City("重庆", "重庆市", "Chongqing", "023", "500112", ("渝北区", "九龙坡区")),
        City("昆明", "云南省昆明市", "Kunming", "0871", "530102", ("五华区", "官渡区")),
        City("贵阳", "贵州省贵阳市", "Guiyang", "0851", "520115", ("观山湖区", "南明区")),
    ),
    Region.NORTHWEST: (
        City("西安", "陕西省西安市", "Xian", "029", "610113", ("雁塔区", "未央区", "长安区")),
        City("兰州", "甘肃省兰州市", "Lanzhou", "0931", "620102", ("城关区", "七里河区")),
        City("银川", "宁夏回族自治区银川市", "Yinchuan", "0951", "640104", ("兴庆区", "金凤区")),
        City("乌鲁木齐", "新疆维吾尔自治区乌鲁木齐市", "Urumqi", "0991", "650102", ("天山区",)),
    ),
}

OVERSEAS: tuple[OverseasCity, ...] = (
    OverseasCity("Singapore", "Singapore", "+656", 7, "Pte. Ltd."),
    OverseasCity("Kuala Lumpur", "Malaysia", "+603", 8, "Sdn. Bhd."),
    OverseasCity("Jakarta", "Indonesia", "+6221", 8, "PT Tbk."),
    OverseasCity("Bangkok", "Thailand", "+662", 7, "Co., Ltd."),
    OverseasCity("Ho Chi Minh City", "Vietnam", "+8428", 8, "Co., Ltd."),
    OverseasCity("Dubai", "United Arab Emirates", "+9714", 7, "LLC"),
    OverseasCity("Munich", "Germany", "+4989", 8, "GmbH"),
)

REGION_WEIGHTS: tuple[tuple[Region, int], ...] = (
    (Region.EAST, 26),
    (Region.SOUTH, 22),
    (Region.NORTH, 14),
    (Region.CENTRAL, 10),
    (Region.SOUTHWEST, 10),
    (Region.NORTHEAST, 7),
    (Region.NORTHWEST, 6),
    (Region.OVERSEAS, 5),
)

ROADS = (
    "科技路",
    "人民路",
    "建设大道",
    "创新大道",
    "星湖街",
    "金桥路",
    "高新大道",
    "长江路",
    "解放路",
    "中山路",
    "工业大道",
    "滨河路",
    "光谷大道",
    "东方路",
    "发展大道",
    "园区路",
)
STREETS_EN = (
    "Anson Road",
    "Jalan Ampang",
    "Jalan Sudirman",
    "Sukhumvit Road",
    "Nguyen Hue Blvd",
    "Sheikh Zayed Road",
    "Leopoldstrasse",
    "Robinson Road",
    "Industrial Park Drive",
)


class Industry(NamedTuple):
    """An industry as stored (`zh`) plus the words company names in it are built from."""

    zh: str
    words_zh: tuple[str, ...]
    words_en: tuple[str, ...]


INDUSTRIES: tuple[Industry, ...] = (
    Industry("制造业", ("精密机械", "机械制造", "工业"), ("Precision Machinery", "Manufacturing")),
    Industry("装备制造", ("重工", "智能装备", "机床"), ("Heavy Industries", "Machine Tools")),
    Industry("汽车零部件", ("汽车零部件", "汽配", "传动系统"), ("Auto Parts", "Drivetrain")),
    Industry("电子", ("电子科技", "微电子", "光电"), ("Electronics", "Optoelectronics")),
    Industry("化工", ("化工", "新材料", "精细化工"), ("Chemicals", "Advanced Materials")),
    Industry("医疗器械", ("医疗器械", "生物医疗", "医疗科技"), ("Medical Devices", "MedTech")),
    Industry("能源", ("新能源", "电力设备", "储能科技"), ("New Energy", "Power Equipment")),
    Industry("物流", ("物流", "供应链", "仓储"), ("Logistics", "Supply Chain")),
    Industry("零售", ("商贸", "连锁超市", "零售"), ("Trading", "Retail")),
    Industry(
        "软件与信息服务", ("软件", "信息技术", "数字科技"), ("Software", "Digital Technology")
    ),
    Industry("食品饮料", ("食品", "饮料", "乳业"), ("Foods", "Beverages")),
    Industry("建筑工程", ("建设工程", "建材", "工程技术"), ("Construction", "Building Materials")),
    Industry("纺织服装", ("纺织", "服饰", "织造"), ("Textiles", "Apparel")),
)

SUFFIX_ZH = ("有限公司", "有限公司", "股份有限公司", "集团有限公司")
SUFFIX_EN = ("Co., Ltd.", "Co., Ltd.", "Technology Co., Ltd.", "Group Co., Ltd.")

BRAND_SYLLABLES: tuple[tuple[str, str], ...] = (
    ("华", "hua"),
    ("星", "xing"),
    ("中", "zhong"),
    ("宏", "hong"),
    ("鑫", "xin"),
    ("瑞", "rui"),
    ("恒", "heng"),
    ("盛", "sheng"),
    ("天", "tian"),
    ("金", "jin"),
    ("海", "hai"),
    ("博", "bo"),
    ("创", "chuang"),
    ("新", "xin"),
    ("东", "dong"),
    ("明", "ming"),
    ("嘉", "jia"),
    ("远", "yuan"),
    ("联", "lian"),
    ("泰", "tai"),
    ("德", "de"),
    ("安", "an"),
    ("凯", "kai"),
    ("达", "da"),
    ("科", "ke"),
    ("力", "li"),
    ("信", "xin"),
    ("通", "tong"),
    ("诚", "cheng"),
    ("银", "yin"),
    ("昌", "chang"),
    ("丰", "feng"),
    ("永", "yong"),
    ("腾", "teng"),
    ("晟", "sheng"),
    ("辰", "chen"),
    ("光", "guang"),
    ("源", "yuan"),
    ("睿", "rui"),
    ("峰", "feng"),
)

SURNAMES: tuple[tuple[str, str], ...] = (
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("林", "lin"),
    ("高", "gao"),
    ("罗", "luo"),
    ("郑", "zheng"),
    ("梁", "liang"),
    ("谢", "xie"),
    ("宋", "song"),
    ("唐", "tang"),
    ("许", "xu"),
    ("韩", "han"),
    ("冯", "feng"),
    ("邓", "deng"),
    ("曹", "cao"),
    ("彭", "peng"),
    ("曾", "zeng"),
    ("肖", "xiao"),
    ("田", "tian"),
    ("董", "dong"),
    ("袁", "yuan"),
    ("潘", "pan"),
    ("于", "yu"),
    ("蒋", "jiang"),
    ("蔡", "cai"),
)

GIVEN_CHARS: tuple[tuple[str, str], ...] = (
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀", "xiu"),
    ("霞", "xia"),
    ("平", "ping"),
    ("刚", "gang"),
    ("桂", "gui"),
    ("文", "wen"),
    ("华", "hua"),
    ("建", "jian"),
    ("国", "guo"),
    ("晓", "xiao"),
    ("欣", "xin"),
    ("宇", "yu"),
    ("浩", "hao"),
    ("婷", "ting"),
    ("鹏", "peng"),
    ("丹", "dan"),
    ("雪", "xue"),
    ("琳", "lin"),
    ("佳", "jia"),
    ("志", "zhi"),
    ("海", "hai"),
    ("子", "zi"),
    ("思", "si"),
)

ENGLISH_GIVEN = (
    "David",
    "Michael",
    "Jason",
    "Kevin",
    "Linda",
    "Grace",
    "Emily",
    "Sophia",
    "Tony",
    "Eric",
    "Vincent",
    "Helen",
    "Cindy",
    "Jack",
    "Leo",
    "Amy",
    "Frank",
    "Peter",
    "Lucy",
    "Annie",
)
FOREIGN_SURNAMES = (
    "Tan",
    "Lim",
    "Ng",
    "Wong",
    "Rahman",
    "Santoso",
    "Nguyen",
    "Kumar",
    "Weber",
    "Schmidt",
    "Suzuki",
    "Haddad",
)

TITLES = (
    "总经理",
    "副总经理",
    "采购经理",
    "采购专员",
    "设备部经理",
    "生产总监",
    "技术总监",
    "IT经理",
    "财务经理",
    "运营主管",
    "质量经理",
    "设备工程师",
    "General Manager",
    "Purchasing Manager",
    "Plant Manager",
    "IT Director",
    "Maintenance Engineer",
)

MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "158",
    "159",
    "166",
    "176",
    "177",
    "180",
    "181",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)

EMAIL_TLDS = (".com", ".com.cn", ".cn", ".net")

PARTNER_LINES: dict[str, Industry] = {
    "DEALER": Industry("", ("机电设备", "工业设备销售", "装备贸易"), ("Equipment Trading",)),
    "RESELLER": Industry("", ("信息技术", "系统集成", "科技服务"), ("Systems Integration",)),
    "SERVICE_PARTNER": Industry("", ("设备维保服务", "技术服务", "工程服务"), ("Field Services",)),
}

CREDIT_LIMITS = (50_000, 100_000, 200_000, 300_000, 500_000, 1_000_000, 2_000_000, 5_000_000)

CUSTOMER_NOTES = (
    "大客户，付款周期60天",
    "年度框架协议客户，价格敏感",
    "Prefers WeChat Work over e-mail",
    "采购决策需集团总部审批",
    "上次续约谈判艰难，注意维护关系",
    "Key reference account for the region",
    "回款较慢，注意信用额度",
    "设备使用强度高，建议推保养套餐",
)

PRODUCTS: tuple[tuple[str, str], ...] = (
    ("PX-5000 数控加工中心", "PXA"),
    ("PX-3200 立式加工中心", "PXV"),
    ("LaserCut L8 激光切割机", "LCL"),
    ("iPrism Edge Gateway G2", "IEG"),
    ("AeroComp AC-75 空压机", "ACP"),
    ("RoboArm R6 工业机器人", "RBA"),
    ("ThermoLine T-280 注塑机", "TLT"),
    ("VisionQC 视觉检测系统", "VQC"),
    ("PowerCell E-500 储能柜", "PCE"),
    ("SmartConveyor SC-12 输送线", "SCV"),
)

OPPORTUNITY_PATTERNS = (
    "{product} 采购项目",
    "{product} 扩产项目",
    "{product} Expansion",
    "{product} 替换升级",
    "年度维保续约",
    "Service Contract Renewal",
    "智能工厂改造一期",
    "备品备件年度框架",
)

INTERACTION_SUMMARIES: dict[str, tuple[str, ...]] = {
    "PHONE": ("电话沟通设备报价", "Follow-up call on the quotation", "回访客户设备使用情况"),
    "EMAIL": ("发送产品资料与报价单", "Sent the revised proposal", "邮件确认交付时间"),
    "WECHAT_WORK": ("企业微信沟通交付进度", "企业微信发送安装方案", "WeChat Work: spare parts ETA"),
    "DINGTALK": ("钉钉群同步安装计划", "钉钉会议讨论技术方案", "DingTalk: weekly status sync"),
    "WEB": ("官网提交产品咨询表单", "Downloaded the smart-factory whitepaper", "在线预约演示"),
    "VISIT": ("上门拜访采购经理", "On-site demo at the plant", "现场勘察安装条件"),
    "EVENT": ("参加行业展会交流", "Attended the Prism user day", "参加区域技术研讨会"),
    "SMS": ("短信提醒年度保养", "SMS: service appointment reminder", "短信发送满意度调查链接"),
}
INTERNAL_SUMMARIES = (
    "内部备注：客户对价格敏感，需经理审批折扣",
    "Internal: escalate renewal risk to the regional manager",
    "内部备注：竞争对手已报价，注意跟进",
    "Internal: payment overdue, hold new shipments",
)

TICKET_SUBJECTS: dict[str, tuple[str, ...]] = {
    "REPAIR": (
        "主轴异响，需上门检修",
        "设备报警 E-203，停机",
        "Spindle overheating on line 2",
        "液压系统漏油",
        "Conveyor motor fails to start",
    ),
    "INSTALLATION": ("新设备安装调试", "Install edge gateway at the new site", "产线搬迁重新安装"),
    "MAINTENANCE": ("年度预防性保养", "Quarterly maintenance visit", "更换滤芯与润滑保养"),
    "QUESTION": ("咨询操作手册与培训", "How do I export production reports?", "询问保修范围"),
    "COMPLAINT": ("交付延迟投诉", "Invoice amount is incorrect", "工程师未按约定时间到场"),
}
TICKET_DESCRIPTIONS = (
    "客户来电反映问题，已记录现场照片。",
    "Customer reported the issue via the service hotline; photos attached.",
    "设备在夜班期间出现故障，影响产能，请尽快处理。",
    "客户希望本周内安排工程师上门。",
    None,
)
TICKET_NOTES = (
    "内部：客户为重点客户，优先处理",
    "Internal: likely a known firmware issue, check KB-1042",
    "内部：上次维修同一部件，考虑更换总成",
)

PARTS: tuple[str, ...] = (
    "[]",
    '[{"sku": "BRG-6204", "name": "深沟球轴承", "qty": 2}]',
    '[{"sku": "FLT-220", "name": "液压滤芯", "qty": 1}, {"sku": "OIL-46", "name": "液压油", "qty": 4}]',  # noqa: E501
    '[{"sku": "SNS-T10", "name": "Temperature sensor", "qty": 1}]',
    '[{"sku": "BLT-A42", "name": "同步带", "qty": 1}]',
    '[{"sku": "PCB-M3", "name": "Main board", "qty": 1}]',
)
VISIT_NOTES = (
    "已更换故障部件，试机正常",
    "Replaced the worn belt; customer signed off",
    "完成保养，建议三个月后复查",
    "现场培训操作人员两名",
    None,
)

TASK_SUBJECTS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "customer": (("准备季度业务回顾", None), ("Renew contract before expiry", "contract.renewal")),
    "lead": (("首次联系新线索", "lead.first_contact_sla"), ("Qualify inbound lead", None)),
    "opportunity": (("跟进报价", "opportunity.stale"), ("Send revised proposal", None)),
    "ticket": (("回访工单满意度", "ticket.follow_up"), ("Confirm fix with customer", None)),
    "none": (("整理本周拜访计划", None), ("Update pipeline forecast", None)),
}

CSAT_COMMENTS = ("工程师很专业", "响应及时", "Fixed on the first visit", "等待时间太长", None, None)
NPS_COMMENTS = ("产品稳定，愿意推荐", "价格偏高", "Service team is great", "交付周期需改进", None)
