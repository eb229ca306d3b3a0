"""Package layout (SPEC §2): engine and jicai live under src/, the Excel adapters macros/ and
udfs/ at the top level where add-in users look for them. pyproject.toml holds everything else."""
from setuptools import find_packages, setup

ADAPTERS = find_packages(".", include=["macros", "macros.*", "udfs", "udfs.*"])
setup(
    packages=find_packages("src") + ADAPTERS,
    package_dir={"": "src", **{name: name.replace(".", "/") for name in ADAPTERS}},
)
