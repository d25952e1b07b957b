# selftest: mutant
# description: step_lr counts epochs from 1: gamma^((epoch + 1) // step_size)
# expect-lose: step_lr
# expect-feedback: off by one
def step_lr(lr0, epoch, *, step_size, gamma=0.1):
    return lr0 * gamma ** ((epoch + 1) // step_size)
