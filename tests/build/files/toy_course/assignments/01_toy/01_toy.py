# %% [markdown]
# ## Scaling
#
# Multiply by a constant: $y = c x$.

# %% setup=true
import numpy as np

# %% check=true
from nnf_checks import check_backward, check_gradients, check_outputs, skip_if_not_implemented

# %% solution="toyref:scale_forward"

# %% check="scale_forward"
check_outputs("scale_forward", scale_forward)

# %% solution="toyref:scale_backward"

# %% check="scale_backward"
check_backward("scale_backward", scale_forward, scale_backward)
check_gradients(scale_forward, scale_backward)

# %% [markdown]
# ## Cube

# %% solution="toyref:cube_forward"

# %% solution="toyref:cube_backward"

# %% check="cube_backward"
check_outputs("cube_forward", cube_forward)
check_backward("cube_backward", cube_forward, cube_backward)
check_gradients(cube_forward, cube_backward)

# %% solution="toyref:mean_square"

# %% check="mean_square"
check_outputs("mean_square", mean_square)

# %% experiment=true
with skip_if_not_implemented():
    print("cube of 2 is", cube_forward(np.array(2.0))[0])
