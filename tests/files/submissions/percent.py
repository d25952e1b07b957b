# %% [markdown]
# # Activations

# %% setup=true
import numpy as np

# %% solution="reference.activations:sigmoid_forward"
def sigmoid_forward(x):
    out = 1.0 / (1.0 + np.exp(-x))
    return out, out

# %% check="sigmoid_forward"
check_outputs("sigmoid_forward", sigmoid_forward)

# %% experiment=true
# !rm -rf data
while True:
    pass

# %%
def relu_forward(x):
    return np.maximum(x, 0.0), x
print(relu_forward(np.ones(2)))
