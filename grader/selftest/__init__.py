"""The self-test of a hidden suite: does it grade right?

    cases   the cases of one assignment (reference, release, mutants, alternatives, fakes), how
            each is graded, and how its grade is judged
    fakes   functions generated from every graded signature that must score 0 (zeros, ones,
            identity, raises) or lose points naming their broken contract (float32, mutates, warns)
    run     ``selftest(...)``: the plain function behind ``course selftest``
    summary per assignment, how many mutants get feedback more specific than "wrong values"
"""
