"""xlwings Server loads the worksheet functions from here: the JC.* functions of udfs/."""
from udfs.functions import *  # noqa: F401,F403
