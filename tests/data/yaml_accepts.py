# Prints "ok\tPATH" or "bad\tPATH" for every path on stdin: whether libyaml
# (PyYAML CSafeLoader) accepts the file, custom tags such as !reference included.
# The judge of YAML acceptance for tests/yaml_differential.rs.
import sys, yaml
class L(yaml.CSafeLoader): pass
def any_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode): return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode): return loader.construct_sequence(node)
    return loader.construct_mapping(node)
L.add_multi_constructor('!', any_tag)
for p in sys.stdin.read().split('\n'):
    if not p: continue
    try:
        with open(p, encoding='utf-8') as f:
            list(yaml.load_all(f, Loader=L))
        print('ok\t'+p)
    except Exception:
        print('bad\t'+p)
