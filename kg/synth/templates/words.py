"""Words the national-template corpus is drawn from: categories, indicators, values and furniture.

Kept as data so a new spelling seen in a real file is one more entry, not a new branch. Places and
unit types come from the seed-layout vocabulary (:mod:`kg.synth.vocabulary`), topped up here with
counties of other provinces, because the national templates are published everywhere.
"""

from __future__ import annotations

from kg.synth.vocabulary import builtin_vocabulary

_SEED_WORDS = builtin_vocabulary()

PLACES: tuple[str, ...] = (
    *_SEED_WORDS.places,
    "临安区",
    "桐庐县",
    "德清县",
    "宁乡市",
    "浏阳市",
    "醴陵市",
    "双流区",
    "郫都区",
    "大邑县",
    "江宁区",
    "溧水区",
    "高淳区",
    "肥西县",
    "长丰县",
    "南昌县",
    "进贤县",
    "新郑市",
    "中牟县",
    "章丘区",
    "平阴县",
    "从化区",
    "增城区",
    "晋江市",
    "南安市",
)

UNIT_TYPES: tuple[str, ...] = (
    *_SEED_WORDS.unit_types,
    "林业局",
    "医疗保障局",
    "市场监督管理局",
    "应急管理局",
)

# Project names, grouped loosely by the unit types that would run them; any unit may run any.
PROJECT_NAMES: tuple[str, ...] = (
    *_SEED_WORDS.project_names,
    "农村人居环境整治专项资金",
    "高标准农田建设项目",
    "义务教育学校校舍维修改造",
    "基层医疗卫生机构能力提升",
    "城乡居民养老保险补助",
    "困难群众临时救助资金",
    "森林防火专项经费",
    "农村公路养护补助",
    "公共文化服务体系建设",
    "全民健身设施更新",
    "河湖长制工作经费",
    "退役军人服务站运行经费",
    "食品安全抽检经费",
    "安全生产执法检查经费",
    "乡村振兴衔接资金",
    "学生营养改善计划",
    "农业技术推广与培训",
    "社区居家养老服务补助",
)

PROJECT_ATTRIBUTES = ("新增项目", "延续项目", "经常性项目", "一次性项目")

# 一级 → its 二级 categories (财预〔2015〕88号 and 财预〔2021〕101号).
LEVEL1_OUTPUT = "产出指标"
LEVEL1_BENEFIT = "效益指标"
# Older and Hebei forms (the seeds among them) print 效果指标 for the 效益 category.
LEVEL1_ALIASES = {"效果指标": LEVEL1_BENEFIT}
LEVEL1_SATISFACTION = "满意度指标"
LEVEL1_COST = "成本指标"
CATEGORIES: dict[str, tuple[str, ...]] = {
    LEVEL1_OUTPUT: ("数量指标", "质量指标", "时效指标", "成本指标"),
    LEVEL1_COST: ("经济成本指标", "社会成本指标", "生态环境成本指标"),
    LEVEL1_BENEFIT: ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    LEVEL1_SATISFACTION: ("服务对象满意度指标",),
}

# Indicator names per 二级 category, each with the kind of value it takes (see VALUE_KINDS).
INDICATORS: dict[str, tuple[tuple[str, str], ...]] = {
    "数量指标": (
        ("培训人次", "count:人次"),
        ("新建村级综合服务站数量", "count:个"),
        ("维修改造道路里程", "count:公里"),
        ("发放补贴户数", "count:户"),
        ("印刷出版册数", "count:册"),
        ("开展宣传活动场次", "count:场"),
        ("采购设备数量", "count:台"),
        ("覆盖乡镇数量", "count:个"),
        ("检查企业数量", "count:家"),
        ("资助学生人数", "count:人"),
        ("建设高标准农田面积", "count:亩"),
        ("抽检批次", "count:批次"),
    ),
    "质量指标": (
        ("验收合格率", "pct"),
        ("资料收集准确率", "pct"),
        ("设备完好率", "pct"),
        ("培训考核合格率", "pct"),
        ("工程质量达标率", "pct"),
        ("资金使用合规率", "pct"),
        ("问题整改完成率", "pct"),
        ("补助对象识别准确率", "pct"),
        ("服务质量", "quality"),
    ),
    "时效指标": (
        ("项目完成时间", "deadline"),
        ("资金拨付及时率", "pct"),
        ("任务按时完成率", "pct"),
        ("问题处置时限", "days"),
        ("补贴发放时限", "days"),
        ("验收完成时间", "deadline"),
    ),
    "成本指标": (
        ("项目总成本", "money"),
        ("人均培训成本", "cost:元/人"),
        ("单位面积改造成本", "cost:元/平方米"),
        ("预算控制率", "ceiling"),
    ),
    "经济成本指标": (
        ("项目总成本", "money"),
        ("单位运维成本", "cost:元/台"),
    ),
    "社会成本指标": (("对群众生活的影响", "impact"),),
    "生态环境成本指标": (("对周边环境的影响", "impact"),),
    "经济效益指标": (
        ("带动农户增收", "count:元/户"),
        ("带动就业人数", "count:人"),
        ("投入产出比", "ratio"),
        ("农产品销售额增长率", "pct_low"),
    ),
    "社会效益指标": (
        ("群众办事便利度", "better"),
        ("公共服务水平", "better"),
        ("政策知晓率", "pct"),
        ("社会治理水平", "better"),
        ("安全事故发生率", "ceiling_low"),
        ("受益人口数", "count:人"),
    ),
    "生态效益指标": (
        ("农村人居环境", "better"),
        ("污水集中处理率", "pct"),
        ("森林覆盖率", "pct_low"),
        ("空气质量优良天数", "count:天"),
    ),
    "可持续影响指标": (
        ("长效管理机制", "mechanism"),
        ("设施持续使用年限", "count:年"),
        ("系统持续运行率", "pct"),
        ("对行业发展的持续影响", "better"),
    ),
    "服务对象满意度指标": (
        ("服务对象满意度", "satisfaction"),
        ("群众满意度", "satisfaction"),
        ("参训人员满意度", "satisfaction"),
        ("受益农户满意度", "satisfaction"),
        ("学生家长满意度", "satisfaction"),
    ),
}

QUALITATIVE = {
    "better": ("有所提高", "有所改善", "明显提升", "逐步提升", "提高"),
    "quality": ("达标", "符合相关标准", "优良"),
    "impact": ("无明显影响", "影响较小"),
    "mechanism": ("建立健全", "长期有效", "逐步完善"),
}

COUNT_VALUES = (3, 5, 8, 10, 12, 20, 30, 45, 50, 60, 100, 120, 200, 300, 500, 800, 1000, 1500)
# Plausible counts for units where the general list would read oddly (200年, 3人).
COUNT_BY_UNIT = {
    "年": (5, 8, 10, 15, 20),
    "天": (280, 300, 320, 330),
    "元/户": (300, 500, 1000, 2000),
    "人": (20, 50, 120, 300, 1500),
    "人次": (100, 200, 500, 1200),
    "公里": (3, 5.5, 12, 20, 36),
    "亩": (500, 1000, 3000, 5000),
}
PCT_VALUES = (80, 85, 90, 95, 98, 100)
PCT_LOW_VALUES = (3, 5, 8, 10, 15)
DAY_VALUES = (3, 5, 7, 10, 15, 30)
DAY_UNITS = ("天", "个工作日", "日")
DEADLINES = ("{year}年12月底前", "{year}年10月31日前", "{year}年6月30日前", "{year}年底前")
RATIOS = ("1:10", "1:5", "1:3", "1:8")

# Column headers per meaning (layouts.md §2); the first spelling is the most common.
COLUMN_LABELS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "三级指标", "指标名称", "指标内容"),
    "target": ("指标值", "目标值", "年度指标值", "指标值及单位", "年度目标值"),
    "long_term": ("长期指标值",),
    "actual": ("实际完成值", "全年实际值", "实际完成情况"),
    "unit": ("计量单位", "度量单位"),
    "comparator": ("指标性质", "指标值类型"),
    "weight": ("权重", "分值", "权重（%）"),
    "score": ("得分",),
    "direction": ("指标方向", "指标方向性"),
    "scoring_rule": ("评分标准", "计分标准", "评（扣）分标准", "评分细则"),
    "explanation": ("指标解释", "指标说明", "备注"),
    "deviation": ("偏差原因分析及改进措施", "偏差原因分析及改进措施", "偏差原因"),
}

GRID_GROUP_LABELS = ("绩效指标", "本年度绩效指标", "年度绩效指标")

SCORING_RULES = (
    "完成得满分，未完成按比例扣分",
    "每低于目标值1个百分点扣0.5分",
    "达到目标值得满分，否则不得分",
    "按完成比例计分",
    "未按期完成不得分",
)

EXPLANATIONS = {
    "pct": "反映{name}情况，计算公式为实际完成数/计划数×100%",
    "count": "反映{name}完成情况",
    "days": "反映{name}，从受理到办结的时间",
    "deadline": "反映项目实施进度",
    "money": "反映项目成本控制情况",
    "cost": "反映{name}，按实际支出核算",
    "ratio": "反映投入与产出的关系",
    "satisfaction": "通过问卷调查反映{name}",
    "other": "反映{name}",
}

DEVIATIONS = (
    "受天气影响工期延后，下一步加快推进进度",
    "部分资金到位较晚，已督促尽快拨付",
    "项目实施单位组织不到位，今后加强督导",
    "受政策调整影响，下年度将调整实施方案",
    "调查样本偏少，后续扩大调查范围",
)

TASK_NAMES = (
    ("保障机构正常运转", "保障在职人员工资福利和日常办公运转"),
    ("政务服务", "做好文稿起草、会议组织和督查督办工作"),
    ("专项业务工作", "按计划完成年度重点业务工作"),
    ("信息化建设", "完成业务系统运行维护和网络安全保障"),
    ("民生保障", "按时足额发放各类补助资金"),
    ("安全生产监管", "开展安全生产检查和隐患排查整治"),
    ("宣传培训", "组织政策宣传和业务培训"),
    ("基础设施维护", "做好办公用房和公共设施的维修维护"),
)

GOAL_SENTENCES = (
    "按时完成{project}各项建设任务，确保资金使用安全规范",
    "通过实施{project}，提升公共服务能力和群众满意度",
    "完成年度工作计划，项目质量全部达标",
    "资金拨付及时到位，受益群众覆盖率进一步提高",
    "建立长效管理机制，确保项目持续发挥效益",
)

DEPT_GOAL_SENTENCES = (
    "紧紧围绕县委、县政府中心工作，全面履行部门职责，保障机构正常运转",
    "按时完成年度各项重点工作任务，提升服务水平和工作效能",
    "严格预算管理，提高资金使用效益，确保各项工作取得实效",
)

ACTUAL_SENTENCES = (
    "已按计划完成年度各项任务，资金使用规范",
    "项目基本完成，个别指标未达到预期",
    "全面完成年度目标，群众满意度较高",
)

# Portal furniture printed before a title (layouts.md §3).
NAV_ITEMS = ("首页", "政务公开", "财政信息", "预决算公开", "部门预算")
SITE_SUFFIX = ("人民政府", "人民政府门户网站", "人民政府网", "财政局")
FURNITURE_LABELS = ("索引号", "发布机构", "发布日期", "文号", "主题分类", "信息来源")

SUB_UNITS = (
    "农业技术推广中心",
    "教育发展服务中心",
    "疾病预防控制中心",
    "综合行政执法大队",
    "政务服务中心",
    "城乡建设服务中心",
    "社会保险事业服务中心",
    "文化馆",
    "林业工作站",
)

SLOT_LABELS = ("指标1：", "指标2：", "指标3：")
