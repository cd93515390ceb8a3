"""``python -m generator.example``: regenerate data/ for the example authority."""
from pathlib import Path

from . import SYNTHETIC_903, make_example_data

if __name__ == "__main__":
    root = Path.cwd()
    make_example_data(root)
    print(f"data/ regenerated; synthetic 903 files and the data-quality report in {SYNTHETIC_903}/")
