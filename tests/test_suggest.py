from grader.suggest import did_you_mean


def test_the_closest_name_or_one_containing_the_word_or_nothing():
    assert did_you_mean("sigmoid_foward", ["sigmoid_forward", "tanh_forward"]) == " (did you mean sigmoid_forward?)"
    assert did_you_mean("x", ["max_processes", "memory_mb"]) == " (did you mean max_processes?)"
    assert did_you_mean("zzz", ["sigmoid_forward"]) == ""
    assert did_you_mean("", ["a"]) == ""
