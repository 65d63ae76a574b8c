"""synth's prompts and data files, shipped inside the wheel as the package `synth.prompts`.

Read them with `synth.resources` (importlib.resources), never by path.
"""
