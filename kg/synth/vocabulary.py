"""The words a synthetic corpus is made of: mined from real text dumps, topped up by a built-in set.

Real documents teach the generator what activity names, indicator names, grade ladders and
content texts look like. Mining keeps only rows whose shape is unambiguous (runs of exactly nine
TAB cells in a duty table, six in a project table), because a vocabulary entry that is itself a
parser hazard would make the generator's ground truth wrong. The built-in set below makes the
generator work on a fresh clone with no documents at all.

>>> vocab = builtin_vocabulary()
>>> len(vocab.ladders) > 10 and len(vocab.places) > 10
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KgError
from kg.textnorm import clean_cell, fold

GRADE_HEADER = ("优", "良", "中", "差")
ACTIVITY_NUMBER = re.compile(r"^[一二三四五六七八九十百]+、")
SUB_ACTIVITY_NUMBER = re.compile(r"^[\s\u3000]*\d+、")
PROJECT_HEADER = ("一级指标", "二级指标", "三级指标")
_PLACEHOLDER_CELLS = {"涉密", "-", "无", "—", "——"}
_SHIFT_NAMES = {"产出指标", "效果指标", "效益指标", "满意度指标"}
_GRADE_LIKE = re.compile(r"^[≥≤<>=]|^\d+(\.\d+)?%?$")


@dataclass
class TextRow:
    """A duty-table row worth reusing: activity or sub-activity name with its texts."""

    name: str
    content: str
    goal: str


@dataclass
class IndicatorEntry:
    """An indicator name with the ladder it was printed with (优, 良, 中, 差)."""

    name: str
    grades: tuple[str, str, str, str]


@dataclass
class ProjectEntry:
    level1: str
    level2: str
    name: str
    description: str


@dataclass
class Vocabulary:
    """Everything the generator draws from. Lists are de-duplicated and kept in a stable order."""

    places: list[str] = field(default_factory=list)
    unit_types: list[str] = field(default_factory=list)
    activities: list[TextRow] = field(default_factory=list)
    sub_activities: list[TextRow] = field(default_factory=list)
    indicators: list[IndicatorEntry] = field(default_factory=list)
    ladders: list[tuple[str, str, str, str]] = field(default_factory=list)
    project_indicators: list[ProjectEntry] = field(default_factory=list)
    project_names: list[str] = field(default_factory=list)
    project_values: list[str] = field(default_factory=list)
    duty_sentences: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def merge(self, other: Vocabulary) -> Vocabulary:
        """A new vocabulary holding both, in order, without duplicates."""
        merged = Vocabulary()
        for name in _LIST_FIELDS:
            seen: dict = {}
            for item in [*getattr(self, name), *getattr(other, name)]:
                seen.setdefault(_dedup_key(item), item)
            setattr(merged, name, list(seen.values()))
        return merged

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in _LIST_FIELDS if name != "sources"}


_LIST_FIELDS = (
    "places",
    "unit_types",
    "activities",
    "sub_activities",
    "indicators",
    "ladders",
    "project_indicators",
    "project_names",
    "project_values",
    "duty_sentences",
    "sources",
)


def _dedup_key(item: object) -> object:
    """What makes two mined items the same one when vocabularies merge (a row by its name)."""
    if isinstance(item, TextRow):
        return ("row", item.name)
    if isinstance(item, IndicatorEntry):
        return ("ind", item.name, item.grades)
    if isinstance(item, ProjectEntry):
        return ("proj", item.name)
    return item


# --- Mining -----------------------------------------------------------------------------------


def _runs(lines: list[str]) -> list[list[str] | None]:
    """Split a dump into runs of consecutive TAB cells; ``None`` marks a run broken by prose."""
    runs: list[list[str] | None] = []
    current: list[str] = []
    broken = False
    for line in lines:
        if line.startswith("\t"):
            current.append(line[1:])
        elif line.strip() == "":
            if current:
                runs.append(None if broken else current)
            current, broken = [], False
        elif current:
            broken = True  # a TAB-less continuation line: the row's shape is not simple
        else:
            runs.append(None)  # prose between tables
    if current:
        runs.append(None if broken else current)
    return runs


def _usable_grades(cells: list[str]) -> bool:
    return all(
        cell and cell not in _PLACEHOLDER_CELLS and len(cell) <= 40 and "建议" not in cell
        for cell in cells
    )


def mine_text(text: str, source: str = "") -> Vocabulary:
    """Mine one text dump (the seed layout) into a :class:`Vocabulary`."""
    vocab = Vocabulary(sources=[source] if source else [])
    lines = text.replace("\r", "").split("\n")
    in_duty = in_project = False
    levels = ("", "")
    for run in _runs(lines):
        if run is None:
            continue
        cells = [clean_cell(cell) for cell in run]
        if tuple(cells[-4:]) == GRADE_HEADER:
            in_duty, in_project = True, False
            continue
        if tuple(cells[:3]) == PROJECT_HEADER:
            in_project, in_duty = True, False
            continue
        if in_duty and len(cells) == 9:
            _mine_duty_row(vocab, cells)
        elif in_project and len(cells) == 6:
            levels = _mine_project_row(vocab, cells, levels)
        elif len(cells) == 4 and cells[0] == "项目编码":
            vocab.project_names.append(cells[3])
    for line in lines:
        match = re.match(r"^（[一二三四五六七八九十]+）(负责.{6,80}?)。?$", line.strip())
        if match:
            vocab.duty_sentences.append(match.group(1))
    return vocab.merge(Vocabulary())


def _add_row(rows: list[TextRow], name: str, content: str, goal: str) -> None:
    """Keep a name only if it cannot be mistaken for a numbered row when printed unnumbered."""
    if not name or "\n" in name or ACTIVITY_NUMBER.match(name) or SUB_ACTIVITY_NUMBER.match(name):
        return
    rows.append(TextRow(name, content.replace("\n", ""), goal.replace("\n", "")))


def _mine_duty_row(vocab: Vocabulary, cells: list[str]) -> None:
    first, _budget, content, goal, name, *grades = cells
    if ACTIVITY_NUMBER.match(first):
        _add_row(vocab.activities, ACTIVITY_NUMBER.sub("", first), content, goal)
    elif SUB_ACTIVITY_NUMBER.match(first):
        _add_row(vocab.sub_activities, SUB_ACTIVITY_NUMBER.sub("", first), content, goal)
    if (
        name
        and "\n" not in name
        and name not in _SHIFT_NAMES
        and not _GRADE_LIKE.match(fold(name))
        and _usable_grades(grades)
    ):
        entry = IndicatorEntry(name, (grades[0], grades[1], grades[2], grades[3]))
        vocab.indicators.append(entry)
        vocab.ladders.append(entry.grades)


def _mine_project_row(
    vocab: Vocabulary, cells: list[str], levels: tuple[str, str]
) -> tuple[str, str]:
    """Record a 三级指标 row; merged 一级/二级 cells are carried down from the row above."""
    level1, level2, name, description, value, _basis = cells
    level1 = level1 or levels[0]
    level2 = level2 or levels[1]
    if name:
        vocab.project_indicators.append(ProjectEntry(level1, level2, name, description))
        if value and len(value) <= 20:
            vocab.project_values.append(value)
    return level1, level2


def mine_folder(folder: str | Path) -> Vocabulary:
    """Mine every ``*.txt`` dump of a folder. Raises :class:`KgError` if there is none."""
    folder = Path(folder)
    if not folder.is_dir():
        raise KgError("vocabulary folder not found", path=str(folder))
    paths = sorted(folder.glob("*.txt"))
    if not paths:
        raise KgError("no *.txt text dumps to mine a vocabulary from", path=str(folder))
    vocab = Vocabulary()
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise KgError(f"not UTF-8 text ({exc.reason})", path=str(path)) from exc
        vocab = vocab.merge(mine_text(text, source=path.name))
    return vocab


# --- Built-in vocabulary ----------------------------------------------------------------------

PLACES = [  # the one list of places: the corpus, the national templates and the copy benchmark
    "北戴河区",
    "海港区",
    "山海关区",
    "抚宁区",
    "昌黎县",
    "卢龙县",
    "青龙满族自治县",
    "北戴河新区",
    "秦皇岛经济技术开发区",
    "路北区",
    "路南区",
    "古冶区",
    "开平区",
    "丰南区",
    "丰润区",
    "曹妃甸区",
    "滦州市",
    "遵化市",
    "迁安市",
    "滦南县",
    "乐亭县",
    "迁西县",
    "玉田县",
    "桥西区",
    "裕华区",
    "长安区",
    "新华区",
    "鹿泉区",
    "栾城区",
    "藁城区",
    "正定县",
    "行唐县",
    "灵寿县",
    "赞皇县",
    "平山县",
    "元氏县",
    "赵县",
    "辛集市",
    "晋州市",
    "新乐市",
    "涿州市",
    "定州市",
    "安国市",
    "高碑店市",
    "涞水县",
    "阜平县",
    "定兴县",
    "唐县",
    "涞源县",
    "望都县",
    "易县",
    "曲阳县",
    "蠡县",
    "顺平县",
    "博野县",
    "雄县",
    "容城县",
    "安新县",
    "兴隆县",
    "平泉市",
    "滦平县",
    "隆化县",
    "丰宁满族自治县",
    "宽城满族自治县",
    "围场满族蒙古族自治县",
    "张北县",
    "康保县",
    "沽源县",
    "尚义县",
    "蔚县",
    "阳原县",
    "怀安县",
    "万全区",
    "怀来县",
    "涿鹿县",
    "赤城县",
    "崇礼区",
]

UNIT_TYPES = [  # the one list of unit types, used as PLACES is
    "人民政府办公室",
    "财政局",
    "发展和改革局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "民政局",
    "司法局",
    "人力资源和社会保障局",
    "自然资源和规划局",
    "生态环境分局",
    "住房和城乡建设局",
    "交通运输局",
    "水务局",
    "农业农村局",
    "商务局",
    "文化广电和旅游局",
    "卫生健康局",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "行政审批局",
    "信访局",
    "档案馆",
    "地方志办公室",
    "城市管理综合行政执法局",
    "林业局",
    "机关事务服务中心",
    "妇女联合会",
    "团委",
    "总工会",
    "工商业联合会",
]

_ACTIVITIES = (
    (
        "参谋协调运转",
        "公文运转、大型会议和活动组织安排、公务接待等。",
        "保障大型会议、重大活动的正常、顺利举办。",
    ),
    ("政务督查", "对政府系统工作落实情况进行督查。", "推动重大决策部署落实，领导交办事项落实。"),
    (
        "应急管理",
        "值班工作，及时报告重要情况，传达和督促落实领导指示。",
        "及时处置突发事件，保障全区安全稳定。",
    ),
    (
        "后勤保障",
        "机关办公设施的维修及食堂管理、水、暖、电、讯等后勤保障服务。",
        "保障机关正常运转。",
    ),
    (
        "档案管理",
        "负责全区档案的收集、整理、保管和利用。",
        "档案管理规范化、信息化水平进一步提高。",
    ),
    ("法制建设", "负责政府系统法制工作，审查规范性文件。", "推进依法行政，建设法治政府。"),
    ("信息化建设", "电子政务平台建设运行维护。", "提高政务信息化水平。"),
    ("财务管理", "负责机关财务工作，编制部门预算和决算。", "规范财务管理，提高资金使用效益。"),
    ("地方志事务", "地方志书地情资料收集编撰，年鉴编纂出版。", "按时完成年鉴编纂出版任务。"),
    ("信访维稳", "受理群众来信来访，协调处理信访事项。", "信访事项及时办理，群众满意度提高。"),
    ("安全生产监管", "开展安全生产检查和隐患排查治理。", "杜绝重特大安全事故发生。"),
    ("招商引资", "组织项目洽谈、推介活动，引进重点项目。", "完成年度招商引资任务。"),
    ("党建工作", "加强机关党的建设，开展主题教育活动。", "提高机关党建工作水平。"),
    ("宣传教育", "开展法制宣传、政策宣传和文明创建活动。", "营造良好的社会舆论氛围。"),
    ("外事侨务", "负责外事、侨务、港澳事务工作。", "做好涉外服务保障工作。"),
)

_SUB_ACTIVITIES = (
    ("公文运转", "承担文件、讲话稿的起草或修改工作。", "公文审核严谨高效，做到零停留、无差错。"),
    ("会议管理", "负责各类会议的会务安排。", "会议组织规范有序。"),
    ("公务接待", "负责公务接待工作，严格执行接待标准。", "接待工作热情周到、简洁简朴。"),
    ("值班值守", "24小时值班，做好记录，及时报告。", "值班信息报送及时准确。"),
    ("督查督办", "对重点工作进行督导检查。", "督查事项按时办结。"),
    ("档案整理", "对各类档案进行整理归档。", "档案整理规范完整。"),
    ("档案利用", "提供档案查阅利用服务。", "档案利用便捷高效。"),
    ("车辆管理", "负责机关公务用车的调度和维修保养。", "公务用车管理规范、安全。"),
    ("食堂管理", "负责机关食堂的日常管理。", "保障机关就餐安全。"),
    ("网站维护", "负责政府门户网站的更新维护。", "网站信息更新及时，运行稳定。"),
    ("政务公开", "按规定公开政府信息。", "政务信息公开及时、准确、全面。"),
    ("年鉴编纂", "编纂年度年鉴。", "年鉴按时出版。"),
    ("应急演练", "组织开展突发事件应急演练。", "提高应急处置能力。"),
    ("隐患排查", "开展安全隐患排查整治。", "隐患整改到位。"),
    ("规范性文件审查", "对规范性文件进行合法性审查。", "审查及时，把关严格。"),
    ("法制宣传", "开展法律法规宣传活动。", "群众法律意识提高。"),
    ("来信办理", "受理和转办群众来信。", "来信按期办结。"),
    ("来访接待", "接待群众来访。", "来访群众满意。"),
    ("项目推介", "组织项目推介和洽谈活动。", "引进项目落地。"),
    ("干部培训", "组织干部教育培训。", "干部素质能力提高。"),
)

_SUBJECTS = [
    "公文流转",
    "文稿起草",
    "发文核审",
    "会议活动",
    "会务接待",
    "暑期接待",
    "督查督办",
    "决策部署督查",
    "值班信息报送",
    "应急平台互联互通",
    "档案整理",
    "档案利用",
    "网站更新",
    "政务信息公开",
    "年鉴编纂",
    "志书编纂",
    "应急演练",
    "隐患排查",
    "隐患整改",
    "规范性文件审查",
    "法制宣传",
    "来信办理",
    "来访接待",
    "项目推介",
    "干部培训",
    "车辆维修",
    "食堂服务",
    "办公设备维护",
    "政府采购",
    "预算编制",
    "决算编制",
    "资产管理",
    "信息报送",
    "舆情处置",
    "建议提案办理",
    "安全检查",
    "矛盾纠纷调解",
    "社区矫正",
    "志愿服务",
    "便民服务",
    "行政审批",
    "网络安全",
    "数据共享",
    "会议纪要印发",
]

_MEASURES = [
    "完成率",
    "及时率",
    "准确率",
    "满意度",
    "覆盖率",
    "办结率",
    "合格率",
    "达标率",
    "参与率",
    "差错率",
    "完好率",
    "到位率",
    "整改率",
    "按时办结率",
    "上报率",
    "知晓率",
]

_COUNT_MEASURES = ("次数", "数量", "场次", "人次")

_LADDERS = (
    ("≥90%", "≥85%", "≥70%", "＜70%"),
    ("≥95%", "≥90%", "≥85%", "＜85%"),
    ("≥98%", "≥95%", "≥90%", "＜90%"),
    ("100%", "≥95%", "≥90%", "＜90%"),
    ("≥90%", "≥80%", "≥70%", "<70%"),
    ("90%", "80%及以上", "70%及以上", "70%以下"),
    ("95%以上", "90%以上", "85%以上", "85%以下"),
    ("<0.5%", "<1%", "<2%", "≥2%"),
    ("≤1%", "≤3%", "≤5%", ">5%"),
    ("≥3", "2", "1", "0"),
    ("4", "3", "2", "1"),
    ("≥12次", "≥8次", "≥6次", "＜6次"),
    ("80%-100%", "70%-79%", "60%-69%", "<60%"),
    ("很高", "较高", "一般", "低"),
    ("极大", "较大", "一般", "没有"),
    ("效果明显", "效果较好", "效果一般", "没效果"),
    ("较好完成", "基本完成", "部分完成", "没有完成"),
    ("完备", "比较完备", "相对完备", "不完备"),
    ("10月31日前完成", "后延5个工作日", "后延10个工作日", "后延15个工作日"),
    ("5月前", "8月前", "10月前", "10月后"),
    ("有国家级的", "有省级的", "有市级的", "都是市级以下的"),
)

_PROJECT_INDICATORS = (
    ("产出指标", "数量指标", "资料收集数量", "为编撰而搜集素材资料的数量"),
    ("产出指标", "质量指标", "资料收集比率", "搜集素材资料占应搜集数量的比率"),
    ("产出指标", "质量指标", "验收合格率", "通过验收的项目占全部项目的比率"),
    ("产出指标", "时效指标", "任务按时完成率", "按时完成的任务占全部任务的比率"),
    ("产出指标", "成本指标", "成本控制率", "实际支出占预算的比率"),
    ("效果指标", "社会效益指标", "志书可参考率", "志书中准确、有效的数据及内容可参考的比率"),
    ("效果指标", "社会效益指标", "政务服务便利度", "群众办事便利程度"),
    ("效果指标", "可持续影响指标", "系统持续运行率", "系统正常运行时间占全年的比率"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "服务对象对项目实施的满意程度"),
)

_PROJECT_NAMES = [
    "村镇志编撰印刷费",
    "年鉴编撰费",
    "智慧城市综合服务管理",
    "政务服务大厅运行经费",
    "电子政务网络运维费",
    "应急指挥平台运维费",
    "档案数字化加工费",
    "法律顾问服务费",
    "专项业务活动费",
    "公务用车运行维护费",
    "机关食堂运营费",
    "政府网站运维费",
    "办公楼维修改造费",
    "信访专项经费",
    "安全生产专项经费",
]

_PROJECT_VALUES = ("≥95%", "100%", "≥90%", "≤10个工作日", "≥3次", "95%以上", "≥98%", "≤5%")

_DUTY_SENTENCES = (
    "负责机关日常工作的综合协调、督导检查、情况反馈工作",
    "负责综合文字、领导讲话、文件收发、调研信息、法制、档案管理等工作",
    "负责值班工作的统筹协调",
    "负责机关财务工作",
    "负责承担机关会务、文印、车辆管理、安全保卫等工作",
    "负责机要保密工作",
    "负责承办上级交办的其他事项",
)


def builtin_vocabulary() -> Vocabulary:
    """The vocabulary shipped with the code (no files needed)."""
    indicators = [
        IndicatorEntry(f"{subject}{measure}", _LADDERS[(i * 7 + j) % 9])
        for i, subject in enumerate(_SUBJECTS)
        for j, measure in enumerate(_MEASURES[:4])
    ]
    indicators += [
        IndicatorEntry(f"{subject}{measure}", _LADDERS[9 + (i % 3)])
        for i, subject in enumerate(_SUBJECTS[::3])
        for measure in _COUNT_MEASURES[:1]
    ]
    return Vocabulary(
        places=list(PLACES),
        unit_types=list(UNIT_TYPES),
        activities=[TextRow(*row) for row in _ACTIVITIES],
        sub_activities=[TextRow(*row) for row in _SUB_ACTIVITIES],
        indicators=indicators,
        ladders=list(_LADDERS),
        project_indicators=[ProjectEntry(*row) for row in _PROJECT_INDICATORS],
        project_names=list(_PROJECT_NAMES),
        project_values=list(_PROJECT_VALUES),
        duty_sentences=list(_DUTY_SENTENCES),
        sources=["builtin"],
    )


SUBJECTS: tuple[str, ...] = _SUBJECTS
MEASURES: tuple[str, ...] = _MEASURES

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "data" / "samples"


def load_vocabulary(folder: str | Path | None = None) -> Vocabulary:
    """The built-in vocabulary plus what is mined from ``folder``.

    Without a folder, the bundled samples (``kg/data/samples``) are mined when present, so the
    generator works on a fresh clone.
    """
    vocab = builtin_vocabulary()
    if folder is not None:
        return vocab.merge(mine_folder(folder))
    if SAMPLES_DIR.is_dir() and any(SAMPLES_DIR.glob("*.txt")):
        return vocab.merge(mine_folder(SAMPLES_DIR))
    return vocab
