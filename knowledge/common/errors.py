"""The one error type users see: it names the input and says what to do, and the CLI prints it as one line."""


class Ech0Error(Exception):
    """A failure caused by input or set-up that the user can fix; never a bug."""


class IndexMissingError(Ech0Error):
    """The literature index has not been built at the configured path."""


class CompoundNotFoundError(Ech0Error, LookupError):
    """No compound record matches a name, identifier or structure."""
