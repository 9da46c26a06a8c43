"""privgen: GDPR privacy declarations from a questionnaire, in German and English."""

__version__ = "0.1.0"

from .build import BuildResult, build_profile, load_profile  # noqa: E402
from .errors import InputError, Issue, PrivgenError, ProfileError  # noqa: E402

__all__ = [
    "BuildResult",
    "InputError",
    "Issue",
    "PrivgenError",
    "ProfileError",
    "__version__",
    "build_profile",
    "load_profile",
]
