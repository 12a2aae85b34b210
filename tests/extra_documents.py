"""Real documents of ../shared/corpus-extra/dev that several tests read in place (never copied into the project)."""

from __future__ import annotations

import pytest

from assistant.evaluation import EXTRA_CORPUS

EXTRA = EXTRA_CORPUS / "dev"
DONGTOU = EXTRA / "005_zhejiang-dongtou_bzh2017.txt"
HUANGSHI = EXTRA / "001_hubei-huangshi_szzlj2024.txt"
GUANGZHOU = EXTRA / "007_guangdong-guangzhou_zlqs2023.txt"
XIANGXI_TRAD = EXTRA / "015_hunan-xiangxi_yshj2020_trad.txt"
needs_extra = pytest.mark.skipif(not EXTRA.is_dir(), reason="../shared/corpus-extra is not present")
