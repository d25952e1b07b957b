"""Student code that looks at, and spoils, what a worker template's workers share: the objects
of the template's image, NumPy's state. Shared by the template tests of both sandboxes."""

IMAGE = r'''
import ctypes, sys
import numpy as np

def image():
    """Where objects the template made live in this worker, and what they hold."""
    return {"numpy": id(np), "pi at": id(np.pi), "pi": np.pi, "doc": np.__doc__[:30]}

def scribble():
    """Overwrite objects of the template's image in place, as a memory-corrupting bug would."""
    ctypes.c_double.from_address(id(np.pi) + sys.getsizeof(0.0) - 8).value = 4.0
    doc = np.__doc__
    assert doc.isascii()
    ctypes.memmove(id(doc) + sys.getsizeof(doc) - len(doc) - 1, b"X" * 30, 30)  # a compact str's characters
    return image()
'''

CORRUPT = r'''
import builtins, sys
import numpy as np
np.seterr(all="raise")
np.set_printoptions(precision=1)
np.random.seed(0)
np.add = np.subtract
np.linalg.norm = lambda *args, **kwargs: -1.0
sys.modules["numpy.fft"] = None
sys.path.insert(0, "/scratch/evil")
'''

STATE = r'''
import sys
import numpy as np

def state():
    try:
        import numpy.fft
        fft = numpy.fft.fft([1.0, 1.0]).real.tolist()
    except ImportError as error:
        fft = type(error).__name__
    return {"errors": np.geterr(), "precision": np.get_printoptions()["precision"], "add": float(np.add(1.0, 1.0)),
            "norm": float(np.linalg.norm(np.ones(4))), "fft": fft, "draw": float(np.random.random()),
            "path": [p for p in sys.path if "evil" in p]}
'''

CLEAN = {"errors": {"divide": "warn", "over": "warn", "under": "ignore", "invalid": "warn"}, "precision": 8,
         "add": 2.0, "norm": 2.0, "fft": [2.0, 0.0], "path": []}
