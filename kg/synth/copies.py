"""A labelled-set generator for the detector's own tests and benchmarks (duplicates.md §6.3).

``generate(seed, size)`` builds synthetic departments (the places of
:data:`~kg.synth.vocabulary.PLACES` × the unit types of
:data:`~kg.synth.vocabulary.UNIT_TYPES`, the corpus generator's lists), duty activities and
sub-activity instances, plants families of every kind — verbatim (a), surface edits (a′),
jurisdiction swaps (a″), slot substitutions (b) and block copies (d) — plus groups of unrelated
names on one distinctive ladder (reused ladders, labelled in ``Labels.reused``, *not* copy
families: duplicates.md §3, revised note), hard negatives of every trap type next to their
anchors, and a guarded background. Real indicator rows (``real_records``, e.g. from the seeds
via :func:`kg.records.indicators.records_from_document`) are mixed in under their real
departments; their labels come from the rules. The same seed always gives the same set.

The labels are the planted families, as constructed. By default they are **never
reconciled** with any partition: where random recombination relates two names by accident
(say two planted names on one standard ladder that happen to form a slot pair), the labels
still say "different", and a detector that links them loses precision. That is the honest
figure. ``reconcile=True`` drops such accidental relations against the brute-force reference
of the rules (:func:`kg.duplicates.labels.reference_partition`, up to
``REFERENCE_GUARD_LIMIT`` records) — then the labels equal the rules and a score only checks
that the detector implements them (a consistency check). The fast detector is never used to
clean labels.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from kg.duplicates.labels import Labels, reference_partition
from kg.duplicates.rules import (
    canonical_ladder,
    cosmetic_core,
    default_standard_ladders,
    edit_relation,
    light_mask,
    name_key,
    one_band_edited,
    slot_frame,
)
from kg.records.indicators import IndicatorRecord
from kg.synth.vocabulary import PLACES, UNIT_TYPES

REFERENCE_GUARD_LIMIT = 30_000

SUBJECTS = [
    "档案",
    "路灯",
    "会务",
    "暑期",
    "志书",
    "年鉴",
    "公文",
    "文稿",
    "消防",
    "河道",
    "绿化",
    "道路",
    "法律",
    "社区",
    "扶贫",
    "医疗",
    "养老",
    "就业",
    "社保",
    "统计",
    "审计",
    "税收",
    "采购",
    "合同",
    "舆情",
    "宣传",
    "党建",
    "廉政",
    "督查",
    "土地",
    "规划",
    "住房",
    "交通",
    "水利",
    "农业",
    "林业",
    "畜牧",
    "食品",
    "药品",
    "招商",
    "旅游",
    "文化",
    "体育",
    "卫生",
    "防疫",
    "民政",
    "残疾",
    "妇女",
    "儿童",
    "老龄",
    "人才",
    "科技",
    "气象",
    "地震",
    "人防",
    "校园",
    "桥梁",
    "管网",
    "垃圾",
    "污水",
    "燃气",
    "供暖",
    "电力",
    "通信",
    "粮食",
    "种子",
    "化肥",
    "农机",
    "渔业",
    "林木",
    "草原",
    "湿地",
    "矿山",
    "危化",
    "烟花",
    "校车",
    "客运",
    "货运",
    "物流",
    "电商",
    "外贸",
    "口岸",
    "金融",
    "债务",
    "国资",
    "信用",
    "价格",
    "计量",
    "标准",
    "专利",
    "商标",
    "版权",
    "广播",
    "影视",
    "图书",
    "文物",
    "非遗",
    "考古",
    "博物",
    "公园",
    "广场",
    "停车",
    "公厕",
    "菜市",
    "街巷",
    "楼宇",
    "物业",
    "电梯",
]
ACTIONS = [
    "维修",
    "整治",
    "检查",
    "登记",
    "审核",
    "巡查",
    "培训",
    "申报",
    "处置",
    "排查",
    "调解",
    "验收",
    "监测",
    "评估",
    "核查",
    "清理",
    "改造",
    "编纂",
    "整理",
    "接待",
    "备案",
    "公示",
    "普查",
    "抽检",
    "复核",
    "催收",
    "走访",
    "回访",
    "督办",
    "归集",
    "录入",
    "对账",
    "盘点",
    "巡护",
]
RATE_HEADS = [
    "完成率",
    "办结率",
    "合格率",
    "落实率",
    "覆盖率",
    "完好率",
    "及时率",
    "处置率",
    "到位率",
    "知晓率",
    "达标率",
    "执行率",
    "回复率",
    "归档率",
    "利用率",
    "响应率",
    "整改率",
    "结案率",
    "公开率",
]
COUNT_HEADS = ["次数", "件数", "人次", "场次", "期数", "个数", "篇数"]
LIGHT = ["工作", "任务", "事项", "管理", "业务"]
QUALIFIERS = ["重点", "年度", "农村", "城区", "季度", "专项", "基层", "全年"]
OPPOSITES = (("差错率", "准确率"), ("合格率", "不合格率"), ("完成率", "未完成率"))
OTHER_MEASURE = {"完成率": "参与率", "办结率": "满意度", "合格率": "覆盖率", "落实率": "知晓率"}
JURISDICTIONS = ("县", "区", "新区", "市")
_NOT_IN_POOL = set("县区市全本率度数次")
BACKGROUND_CHARS = tuple(
    ch for ch in (chr(0x4E00 + 7 * i) for i in range(2400)) if ch not in _NOT_IN_POOL
)
"""Characters of the background names' random words: about 2,400 CJK ideographs.

Background names are singletons by construction. Built from the small real vocabulary
alone, two of them on the same ladder are often slot-related (one subject swapped), which
the guard must then drop; random two-character words after a real subject make such
accidents rare, so a requested size is met in one pass."""
JURISDICTION_FRAMES = (
    "全{j}{a}{b}{h}",
    "{j}级{a}{b}{h}",
    "{j}直部门{a}{b}{h}",
    "{j}委{j}政府{a}督办事项{h}",
    "本{j}{a}{b}{h}",
)


@dataclass
class _Sub:
    sub_id: str
    department: str
    activity: str
    name: str
    content: str
    items: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)  # text, grades, tag


class _Builder:
    def __init__(self, seed: int, size: int, real: Sequence[IndicatorRecord]):
        self.rng = random.Random(seed)
        self.size = size
        self.std_rate = [lad for lad, k in default_standard_ladders().kinds.items() if k == "rate"]
        self.used_ladders: set[tuple[str, ...]] = {canonical_ladder(r.grades) for r in real}
        self.used_keys: set[str] = {name_key(r.text) for r in real}
        self.subs: list[_Sub] = []
        self.open_subs: list[_Sub] = []  # not a planted block copy
        self.sub_of: dict[str, _Sub] = {}
        self.family_kind: dict[str, str] = {}
        self.tag_family: dict[str, str] = {}
        self.block_family: dict[str, str] = {}
        self.traps: dict[str, tuple[str, str]] = {}  # tag -> (trap, anchor tag)
        self.reused: dict[str, str] = {}  # tag -> reused-ladder group (not a copy family)
        self.used_masks: set[str] = {light_mask(cosmetic_core(k)) for k in self.used_keys}
        self.tails: set[tuple[tuple[str, ...], str]] = set()  # (ladder, name tail) in use
        self.tail_of: dict[str, str] = {}  # fresh name -> its tail (action, light word, head)
        self.counter = 0
        n_departments = max(110, size // 45)
        self.departments = [
            f"{self.rng.choice(PLACES)}{unit}"
            for unit in (UNIT_TYPES * (n_departments // len(UNIT_TYPES) + 1))[:n_departments]
        ]

    # --- vocabulary -------------------------------------------------------------------
    def tag(self) -> str:
        self.counter += 1
        return f"t{self.counter}"

    def new_sub(self, block: bool = False) -> _Sub:
        rng = self.rng
        department = rng.choice(self.departments)
        subject = rng.choice(SUBJECTS)
        sub = _Sub(
            sub_id=f"s{len(self.subs) + 1:06d}",
            department=department,
            activity=f"{subject}{rng.choice(LIGHT)}",
            name=f"{subject}{rng.choice(ACTIONS)}",
            content=f"负责{subject}{rng.choice(ACTIONS)}等{rng.choice(LIGHT)}。",
        )
        self.subs.append(sub)
        if not block:
            self.open_subs.append(sub)
        return sub

    def fresh_name(self, head: str | None = None, tries: int = 50) -> str:
        """A new name ``subject [subject] action [light word] head``; its tail (action, light
        word, head) is kept in :attr:`tail_of` for :meth:`family_ladder`."""
        rng = self.rng
        for _ in range(tries):
            parts = [rng.choice(SUBJECTS)]
            if rng.random() < 0.7:
                parts.append(rng.choice(SUBJECTS))
            tail = [rng.choice(ACTIONS)]
            if rng.random() < 0.3:
                tail.append(rng.choice(LIGHT))
            tail.append(head or rng.choice(RATE_HEADS if rng.random() < 0.8 else COUNT_HEADS))
            name = "".join(parts + tail)
            if self.claim(name):
                self.tail_of[name] = "".join(tail)
                return name
        return self.fresh_name(head, tries) if tries > 1 else name

    def tail_free(self, tail: str, ladder: Sequence[str] | None) -> bool:
        return ladder is None or (canonical_ladder(ladder), _tail_key(tail)) not in self.tails

    def reserve_tail(self, tail: str, ladder: Sequence[str] | None) -> None:
        if ladder is not None:
            self.tails.add((canonical_ladder(ladder), _tail_key(tail)))

    def family_ladder(self, tail: str) -> tuple[str, ...]:
        """A ladder for a name family whose names end in ``tail``, reserved with it: a standard
        ladder half of the time, unless another family already ends in ``tail`` on it (two
        names sharing a tail on one ladder are a slot pair or a one-word insertion by the
        rules), else a new distinctive one."""
        ladder = self.ladder_for_name_family()
        if not self.tail_free(tail, ladder):
            ladder = self.unique_ladder(True)
        self.reserve_tail(tail, ladder)
        return ladder

    def free_standard_ladder(self, tail: str) -> tuple[str, ...] | None:
        """A standard ladder on which ``tail`` is still free (reserved), or ``None``."""
        for ladder in self.rng.sample(self.std_rate, len(self.std_rate)):
            if self.tail_free(tail, ladder):
                self.reserve_tail(tail, ladder)
                return tuple(ladder)
        return None

    def claim(self, name: str) -> bool:
        """Reserve a new name unless its key, or its key without cosmetic affixes and with
        light words masked, is taken (a cosmetic or light-word variant of an existing name
        would be an edited copy by the rules, whatever its ladder)."""
        key = name_key(name)
        mask = light_mask(cosmetic_core(key))
        if key in self.used_keys or mask in self.used_masks:
            return False
        self.used_keys.add(key)
        self.used_masks.add(mask)
        return True

    def background_name(self) -> str:
        """A unique name unlike the others: a real subject, three random words, a head."""
        rng = self.rng
        while True:
            words = "".join(rng.choice(BACKGROUND_CHARS) for _ in range(6))
            head = rng.choice(RATE_HEADS if rng.random() < 0.8 else COUNT_HEADS)
            name = f"{rng.choice(SUBJECTS)}{words}{head}"
            if self.claim(name):
                return name

    def standard_ladder(self) -> tuple[str, ...]:
        return tuple(self.rng.choice(self.std_rate))

    def unique_ladder(self, distinctive: bool) -> tuple[str, ...]:
        """A one-off ladder never used before (distinctive forms for the (c) families)."""
        rng = self.rng
        while True:
            a = rng.randint(60, 99)
            b, c = a - rng.randint(3, 15), a - rng.randint(16, 35)
            form = rng.randrange(5 if distinctive else 2)
            if form == 0:
                unit = rng.choice("次件人个项场篇户")
                n = rng.randint(4, 5_000_000)  # wide enough for a million one-off ladders
                ladder = (
                    f"≥{n}{unit}",
                    f"≥{n * 3 // 4}{unit}",
                    f"≥{n // 2}{unit}",
                    f"<{n // 2}{unit}",
                )
            elif form == 1:
                ladder = (f"≥{a}%", f"≥{b}%", f"≥{c}%", f"<{c}%")
            elif form == 2:
                ladder = (f"≥{a}%", f"≤{b}%", f">{b}%", f"≤{c}%")
            elif form == 3:
                ladder = (f"≥{a}%", f"{b}%-{a - 1}%", f"{c}%-{b - 1}%", f"<{c - 1}%")
            else:
                ladder = ("1", f"{a}%及以上", f"{b}%及以上", f"{c}%以下")
            canon = canonical_ladder(ladder)
            if canon not in self.used_ladders and canon not in default_standard_ladders():
                self.used_ladders.add(canon)
                return ladder

    # --- surface edits ------------------------------------------------------------------
    def surface_name(self, name: str) -> str:
        rng = self.rng
        edit = rng.randrange(6)
        if edit == 0:
            i = rng.randrange(1, len(name))
            return name[:i] + " " + name[i:]
        if edit == 1:
            i = rng.randrange(1, len(name))
            return name[:i] + "、" + name[i:]
        if edit == 2:
            return name + "。"
        if edit == 3:
            return name + rng.choice(("（%）", "(%)", "（％）", "(％)"))
        if edit == 4:
            return (
                "".join(
                    chr(ord(ch) + 0xFEE0) if ch.isascii() and ch.isalnum() else ch for ch in name
                )
                + "（%）"
            )
        return name + " "

    def surface_grades(self, grades: Sequence[str]) -> tuple[str, ...]:
        rng = self.rng
        edit = rng.randrange(5)
        out = list(grades)
        if edit == 0:
            out = [g.replace("≥", "≧") for g in out]
        elif edit == 1:
            out = [g.replace("<", "＜") for g in out]
        elif edit == 2:
            out = [g.replace("%", "％") for g in out]
        elif edit == 3:
            out[-1] += "。"
        else:
            out[0] = " " + out[0]
        return tuple(out)

    # --- placing --------------------------------------------------------------------------
    def place(
        self, text: str, grades: Sequence[str], family: str | None, sub: _Sub | None = None
    ) -> str:
        tag = self.tag()
        if family is not None:
            self.tag_family[tag] = family
        target = sub or self.rng.choice(self.open_subs)
        target.items.append((text, tuple(grades), tag))
        self.sub_of[tag] = target
        return tag

    def family_size(self) -> int:
        return self.rng.choices(range(2, 13), weights=(40, 20, 12, 8, 5, 4, 3, 3, 2, 2, 1))[0]

    def new_family(self, kind: str) -> str:
        name = f"f{len(self.family_kind) + 1}"
        self.family_kind[name] = kind
        return name

    def ladder_for_name_family(self) -> tuple[str, ...]:
        return self.standard_ladder() if self.rng.random() < 0.5 else self.unique_ladder(True)

    def plant_verbatim(self) -> None:
        family = self.new_family("verbatim")
        name = self.fresh_name()
        ladder = self.family_ladder(self.tail_of[name])
        for _ in range(self.family_size()):
            self.place(name, ladder, family)

    def plant_surface(self) -> None:
        family = self.new_family("surface")
        name = self.fresh_name()
        ladder = self.family_ladder(self.tail_of[name])
        self.place(name, ladder, family)
        for _ in range(self.family_size() - 1):
            self.place(self.surface_name(name), self.surface_grades(ladder), family)

    def plant_jurisdiction(self) -> None:
        rng = self.rng
        frame = rng.choice(JURISDICTION_FRAMES)
        for _ in range(50):
            parts = {
                "a": rng.choice(SUBJECTS),
                "b": rng.choice(ACTIONS),
                "h": rng.choice(RATE_HEADS),
            }
            key = name_key(frame.format(j="县", **parts))
            if key not in self.used_keys:
                break
        self.used_keys.add(key)
        family = self.new_family("jurisdiction")
        ladder = self.family_ladder(frame.split("{a}")[1].format(j="县", **parts))
        size = self.family_size()
        words = [JURISDICTIONS[i % 4] for i in range(size)]
        rng.shuffle(words)
        for word in words:
            self.place(frame.format(j=word, **parts), ladder, family)

    def plant_slot(self) -> None:
        rng = self.rng
        for _ in range(100):
            head = rng.choice(RATE_HEADS + COUNT_HEADS)
            tail = f"{rng.choice(ACTIONS)}{rng.choice(LIGHT)}{head}"
            suffix = f"{rng.choice(SUBJECTS)}{tail}"
            prefix = rng.choice(("", "", rng.choice(SUBJECTS)))
            fillers = rng.sample(SUBJECTS, self.family_size())
            names = [f"{prefix}{x}{suffix}" for x in fillers]
            keys = [name_key(n) for n in names]
            if any(k in self.used_keys for k in keys):
                continue
            if all(slot_frame(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]):
                break
        else:
            return
        self.used_keys.update(keys)
        family = self.new_family("slot")
        ladder = self.family_ladder(tail)
        for name in names:
            self.place(name, ladder, family)

    def plant_edited(self) -> None:
        """An edited-copy family (duplicates.md §3 note): one name, and copies with a cosmetic
        prefix, a light word swapped or a light word inserted, on the same ladder."""
        rng = self.rng
        name = self.fresh_name()
        tail = self.tail_of[name]
        stem = name[: len(name) - len(tail)]
        light = next((w for w in LIGHT if w in tail), None)
        variants = [rng.choice(("各项", "全年", "年度")) + name]
        if light is None:  # insert a light word before the measure head
            action = next(a for a in ACTIONS if tail.startswith(a))
            variants.append(stem + action + rng.choice(LIGHT) + tail[len(action) :])
        else:  # swap it for another
            other = rng.choice([w for w in LIGHT if w != light])
            variants.append(stem + tail.replace(light, other, 1))
        key = name_key(name)
        variants = [v for v in variants if edit_relation(key, name_key(v)) is not None]
        if not variants:
            return
        family = self.new_family("edit")
        ladder = self.family_ladder(tail)
        for text in [name, *variants]:
            self.used_keys.add(name_key(text))
            self.place(text, ladder, family)

    def moved_threshold(self, ladder: Sequence[str]) -> list[str] | None:
        """The ladder with the number of one random band raised by 1 to 4 (None when that band
        has no number)."""
        rng = self.rng
        moved = list(ladder)
        position = rng.randrange(4)
        digits = "".join(ch for ch in moved[position] if ch.isdigit())
        if not digits:
            return None
        moved[position] = moved[position].replace(digits, str(int(digits) + rng.randint(1, 4)), 1)
        return moved

    def plant_probable(self) -> None:
        """A probable copy: one name on a distinctive ladder and a copy with one band edited
        (a number moved), both distinctive (duplicates.md §3 note; lower confidence)."""
        name = self.fresh_name()
        ladder = self.unique_ladder(True)
        for _ in range(20):
            edited = self.moved_threshold(ladder)
            if edited is None:
                continue
            canon = canonical_ladder(edited)
            if (
                canon not in self.used_ladders
                and canon not in default_standard_ladders()
                and one_band_edited(canonical_ladder(ladder), canon)
            ):
                self.used_ladders.add(canon)
                break
        else:
            return
        family = self.new_family("probable")
        self.place(name, ladder, family)
        self.place(name, edited, family)

    def plant_reused_ladder(self) -> str:
        """Unrelated names on one distinctive ladder: a reused ladder, not a copy family."""
        group = f"L{len(set(self.reused.values())) + 1}"
        ladder = self.unique_ladder(True)
        names: list[str] = []
        while len(names) < self.family_size():
            name = self.fresh_name()
            key = name_key(name)
            if all(
                slot_frame(key, name_key(n)) is None and edit_relation(key, name_key(n)) is None
                for n in names
            ):
                names.append(name)
        tags = [self.place(name, ladder, None) for name in names]
        self.reused.update(dict.fromkeys(tags, group))
        return tags[0]

    def plant_block(self) -> None:
        rng = self.rng
        block = f"b{len(self.block_family) + 1}"
        names = [self.fresh_name() for _ in range(rng.randint(3, 6))]
        items = [(name, self.family_ladder(self.tail_of[name])) for name in names]
        families = [f"{block}:{i}" for i in range(len(items))]
        copies = []
        for copy_no in range(rng.randint(2, 4)):
            kept = list(range(len(items)))
            if copy_no and rng.random() < 0.3:
                kept.remove(rng.choice(kept))
            rows = [(items[i][0], items[i][1], families[i]) for i in kept]
            if copy_no and rng.random() < 0.3:
                j = rng.randrange(len(rows))
                text, grades, fam = rows[j]
                rows[j] = (self.surface_name(text), self.surface_grades(grades), fam)
            if copy_no and rng.random() < 0.3:
                rows.insert(
                    rng.randrange(len(rows) + 1),
                    (self.fresh_name(), self.unique_ladder(False), None),
                )
            copies.append(rows)
        counts: dict[str, int] = {}
        for rows in copies:
            for _t, _g, fam in rows:
                if fam:
                    counts[fam] = counts.get(fam, 0) + 1
        for fam in families:
            self.family_kind[fam] = "block"
        for rows in copies:
            sub = self.new_sub(block=True)
            self.block_family[sub.sub_id] = block
            for text, grades, fam in rows:
                self.place(text, grades, fam if fam and counts[fam] > 1 else None, sub)

    def plant_trap(self, trap: str, anchor_tag: str | None = None) -> None:
        """A hard negative placed right after its anchor (which is planted here if needed)."""
        if trap == "threshold_moved":
            self.plant_threshold_moved(anchor_tag)
            return
        # name traps: the anchor is a verbatim pair on a standard ladder
        family = self.new_family("verbatim")
        name, stem, negative = self.trap_names(trap)
        ladder = self.free_standard_ladder(self.tail_of[name])
        if ladder is None:
            return  # every standard ladder already carries this tail: no clean trap here
        anchor = self.place(name, ladder, family)
        self.place(name, ladder, family)
        if trap not in ("same_name", "generic_frame") and not self.claim(negative):
            return
        different = trap in ("same_name", "qualifier")
        trap_ladder = self.unique_ladder(False) if different else ladder
        if different:  # a clear name reuse, never a probable copy (one band edited)
            while one_band_edited(canonical_ladder(trap_ladder), canonical_ladder(ladder)):
                trap_ladder = self.unique_ladder(False)
        else:  # the negative's tail must be new on the shared ladder too
            tail = self.tail_of.get(negative) or (
                self.tail_of[name][: len(stem) - len(name)] + negative[len(stem) :]
            )
            if not self.tail_free(tail, ladder):
                return
            self.reserve_tail(tail, ladder)
        self.insert_after(anchor, negative, trap_ladder, trap)

    def plant_threshold_moved(self, anchor_tag: str | None) -> None:
        """A fresh name on the anchor's distinctive ladder with one threshold moved."""
        anchor = anchor_tag or self.plant_reused_ladder()
        sub, index = self.locate(anchor)
        _name, ladder, _ = sub.items[index]
        for _ in range(100):
            moved = self.moved_threshold(ladder)
            if moved is None:
                continue
            canon = canonical_ladder(moved)
            if canon not in self.used_ladders and canon not in default_standard_ladders():
                self.used_ladders.add(canon)
                break
        else:
            return
        self.insert_after(anchor, self.fresh_name(), moved, trap="threshold_moved")

    def trap_names(self, trap: str) -> tuple[str, str, str]:
        """A name trap's anchor name, the anchor's stem before its head, and the negative."""
        rng = self.rng
        head = rng.choice(list(OTHER_MEASURE) if trap == "other_measure" else RATE_HEADS)
        if trap == "opposite":
            base, other = rng.choice(OPPOSITES)
            name = self.fresh_name(base)
            stem = name[: -len(base)]
            return name, stem, stem + other
        name = self.fresh_name(head)
        stem = name[: -len(head)]
        if trap == "other_measure":
            negative = stem + OTHER_MEASURE[head]
        elif trap == "qualifier":
            negative = rng.choice(QUALIFIERS) + name
        elif trap == "generic_frame":
            negative = self.fresh_name(head)
            while slot_frame(name_key(negative), name_key(name)) is not None:
                negative = self.fresh_name(head)
        elif trap == "light_frame":  # same subjects and head, another task (the note)
            tail = self.tail_of[name]
            action = next(a for a in ACTIONS if tail.startswith(a))
            other = rng.choice([a for a in ACTIONS if a != action])
            negative = stem[: len(stem) - len(tail) + len(head)] + other + head
            self.tail_of[negative] = other + head
        else:  # same_name
            negative = name
        return name, stem, negative

    def locate(self, tag: str) -> tuple[_Sub, int]:
        sub = self.sub_of[tag]
        return sub, next(i for i, item in enumerate(sub.items) if item[2] == tag)

    def insert_after(self, anchor: str, text: str, grades: Sequence[str], trap: str) -> None:
        sub, index = self.locate(anchor)
        tag = self.tag()
        sub.items.insert(index + 1, (text, tuple(grades), tag))
        self.sub_of[tag] = sub
        self.traps[tag] = (trap, anchor)


def _tail_key(tail: str) -> str:
    """A name tail without light words: tails equal but for one are a one-word insertion."""
    for word in LIGHT:
        tail = tail.replace(word, "")
    return tail


TRAPS = (
    "same_name",
    "other_measure",
    "opposite",
    "qualifier",
    "threshold_moved",
    "generic_frame",
    "light_frame",
)


def generate(
    seed: int,
    size: int = 3000,
    *,
    real_records: Sequence[IndicatorRecord] = (),
    reconcile: bool = False,
) -> tuple[list[IndicatorRecord], Labels]:
    """A deterministic labelled set of about ``size`` indicator records.

    Returns the records (random ids that carry no family information, shuffled) and their
    :class:`~kg.duplicates.labels.Labels`: the family of each record (``None`` = singleton),
    the kind of each family, the hard negatives with their trap type and anchor, the
    reused-ladder group of each record planted on a shared distinctive ladder, and the block
    family of each sub-activity instance. ``reconcile=True`` drops records the brute-force
    reference relates by accident (see the module docstring); it refuses sets above
    ``REFERENCE_GUARD_LIMIT`` records, where the reference is too slow.
    """
    if reconcile and size > REFERENCE_GUARD_LIMIT:
        raise ValueError(
            f"reconcile=True needs the brute-force reference: at most {REFERENCE_GUARD_LIMIT}"
            " records"
        )
    builder = _Builder(seed, size, real_records)
    rng = builder.rng
    background_tags = _plant(builder, max(0, size - len(real_records)))
    ids = rng.sample(range(10**9), sum(len(s.items) for s in builder.subs))
    records, family_of, id_of = _planted_records(builder, ids)
    traps = {id_of[tag]: (trap, id_of[anchor]) for tag, (trap, anchor) in builder.traps.items()}
    background = {id_of[t] for t in background_tags}

    # real rows keep their departments; their families come from the rules
    real_labels = reference_partition(list(real_records))
    records.extend(real_records)
    for record in real_records:
        family = real_labels.family[record.id]
        family_of[record.id] = f"real:{family}" if family else None
        if family:
            builder.family_kind[f"real:{family}"] = "real_" + real_labels.kind[family]

    if not reconcile:
        return _finish(records, family_of, traps, builder, id_of, real_labels, rng)
    records = _reconcile(records, family_of, traps, background)
    # the guard drops accidental relations; top the set up with background to the size asked
    taken = set(ids)
    for _round in range(3):
        deficit = size - len(records)
        if deficit <= 0:
            break
        extra = [_extra_background(builder, taken) for _ in range(deficit)]
        for record in extra:
            family_of[record.id] = None
            background.add(record.id)
        records = _reconcile(records + extra, family_of, traps, background)
    return _finish(records, family_of, traps, builder, id_of, real_labels, rng)


def _plant(builder: _Builder, target: int) -> set[str]:
    """Plant every kind of family and trap at its rate of ``target`` records, then fill up to
    ``target`` with background names; the tags of the background items."""
    rng = builder.rng
    for _ in range(max(40, builder.size // 6)):
        builder.new_sub()
    planters = (
        (builder.plant_verbatim, 0.035),
        (builder.plant_surface, 0.03),
        (builder.plant_jurisdiction, 0.02),
        (builder.plant_slot, 0.02),
        (builder.plant_reused_ladder, 0.02),
        (builder.plant_edited, 0.015),
        (builder.plant_probable, 0.01),
        (builder.plant_block, 0.012),
    )
    for planter, rate in planters:
        for _ in range(max(2, int(target * rate / 3))):
            planter()
    for trap in TRAPS:
        for _ in range(max(3, int(target * 0.012))):
            builder.plant_trap(trap)
    planted = sum(len(s.items) for s in builder.subs)
    background_tags: set[str] = set()
    for _ in range(max(0, target - planted)):
        ladder = builder.standard_ladder() if rng.random() < 0.55 else builder.unique_ladder(False)
        background_tags.add(
            builder.place(builder.background_name(), ladder, None, rng.choice(builder.open_subs))
        )
    return background_tags


def _planted_records(
    builder: _Builder, ids: list[int]
) -> tuple[list[IndicatorRecord], dict[str, str | None], dict[str, str]]:
    """The records of every item of every sub-activity (ids from ``ids``, in order), the planted
    family of each record, and the record id of each item tag."""
    records: list[IndicatorRecord] = []
    family_of: dict[str, str | None] = {}
    id_of: dict[str, str] = {}
    for sub in builder.subs:
        for pos, (text, grades, tag) in enumerate(sub.items):
            record_id = id_of[tag] = f"r{ids[len(records)]:09d}"
            records.append(_record(sub, record_id, text, grades, pos))
            family_of[record_id] = builder.tag_family.get(tag)
    return records, family_of, id_of


def _extra_background(builder: _Builder, taken: set[int]) -> IndicatorRecord:
    """One more background record with an id not in ``taken`` (added to it)."""
    rng = builder.rng
    number = rng.randrange(10**9)
    while number in taken:
        number = rng.randrange(10**9)
    taken.add(number)
    ladder = builder.standard_ladder() if rng.random() < 0.55 else builder.unique_ladder(False)
    sub = rng.choice(builder.open_subs)
    text = builder.background_name()
    sub.items.append((text, ladder, builder.tag()))
    return _record(sub, f"r{number:09d}", text, ladder, len(sub.items) - 1)


def _record(
    sub: _Sub, record_id: str, text: str, grades: Sequence[str], pos: int
) -> IndicatorRecord:
    """The indicator record of one item of a sub-activity instance."""
    return IndicatorRecord(
        id=record_id,
        text=text,
        grades=grades,  # type: ignore[arg-type]
        department=sub.department,
        activity=sub.activity,
        sub_activity=sub.name,
        sub_id=sub.sub_id,
        pos=pos,
        content=sub.content,
    )


def _finish(
    records: list[IndicatorRecord],
    family_of: dict[str, str | None],
    traps: dict[str, tuple[str, str]],
    builder: _Builder,
    id_of: dict[str, str],
    real_labels: Labels,
    rng: random.Random,
) -> tuple[list[IndicatorRecord], Labels]:
    """Shuffle the records and assemble the labels of the records kept."""
    kept = {r.id for r in records}
    family_of = {k: v for k, v in family_of.items() if k in kept}
    traps = {k: v for k, v in traps.items() if k in kept and v[1] in kept}
    rng.shuffle(records)
    blocks = {r.sub_id: None for r in records if r.sub_id}
    blocks.update({s: b for s, b in builder.block_family.items() if s in blocks})
    for sub, block in real_labels.blocks.items():
        blocks[sub] = f"real:{block}" if block else None
    labelled = set(family_of.values())
    reused = {id_of[t]: g for t, g in builder.reused.items() if id_of[t] in kept}
    return records, Labels(
        family=family_of,
        kind={f: k for f, k in builder.family_kind.items() if f in labelled},
        traps=traps,
        blocks=blocks,
        reused=reused,
    )


def _reconcile(
    records: list[IndicatorRecord],
    family_of: dict[str, str | None],
    traps: dict[str, tuple[str, str]],
    background: set[str],
) -> list[IndicatorRecord]:
    """Keep the labels equal to the rules: drop what the rules relate by accident.

    Random recombination can make two planted names slot-related, or a background name
    related to a planted one. Derive the partition from the rules with the brute-force
    reference (never the fast detector), and in every derived cluster that is not exactly one
    planted family, drop the background records, the hard negatives and all but the largest
    planted family in it.
    """
    for _round in range(3):
        derived = reference_partition(records).family
        members: dict[object, list[str]] = {}
        for record_id, cluster in derived.items():
            if cluster is not None:
                members.setdefault(cluster, []).append(record_id)
        label_size: dict[str, int] = {}
        for family in family_of.values():
            if family is not None:
                label_size[family] = label_size.get(family, 0) + 1
        drop_ids: set[str] = set()
        drop_families: set[str] = set()
        for ids in members.values():
            families = {family_of.get(i) for i in ids}
            first = family_of.get(ids[0])
            if families == {first} and first is not None and len(ids) == label_size[first]:
                continue
            droppable = {i for i in ids if i in background or i in traps}
            drop_ids.update(droppable)
            planted = sorted(
                {f for f in families if f is not None}, key=lambda f: (-label_size[f], f)
            )  # ties by name: the same set under every PYTHONHASHSEED
            fixed_singletons = any(family_of.get(i) is None and i not in droppable for i in ids)
            drop_families.update(planted if fixed_singletons else planted[1:])
        if not drop_ids and not drop_families:
            break
        records = [
            r for r in records if r.id not in drop_ids and family_of.get(r.id) not in drop_families
        ]
    return records


__all__ = ["TRAPS", "generate"]
