# selftest: mutant
# description: step_lr without the floor: gamma^(epoch / step_size)
# expect-lose: step_lr
# expect-feedback: no floor
def step_lr(lr0, epoch, *, step_size, gamma=0.1):
    return lr0 * gamma ** (epoch / step_size)
