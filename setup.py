"""Install `pal` from the nbdev 2 settings.ini (dependencies are pinned in requirements.txt)."""
from configparser import ConfigParser
import setuptools

cfg = ConfigParser(delimiters=['='])
cfg.read('settings.ini')
cfg = cfg['DEFAULT']
licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License')}
scripts = [s.strip() for s in cfg.get('console_scripts', '').split('\n') if s.strip()]

setuptools.setup(
    name=cfg['lib_name'], version=cfg['version'], license=licenses[cfg['license']][0],
    description=cfg['description'], long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown', author=cfg['author'], author_email=cfg['author_email'],
    url=cfg['git_url'], packages=setuptools.find_packages(include=['pal', 'pal.*']), include_package_data=True,
    python_requires='>=' + cfg['min_python'], install_requires=[], zip_safe=False,
    # optional extra, never in the core install: pip install -e '.[lmms]' -c constraints.txt (nbs/13_lmms.ipynb: why 0.7)
    extras_require={'lmms': ['lmms-eval==0.7']},
    package_data={'pal': ['lmms_tasks/*/*.yaml']},   # the local lmms-eval task (pal.lmms.TASK_DIR)
    entry_points={'console_scripts': scripts, 'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"],
                  'lmms_eval.models': ['pal = pal.lmms:lmms_manifest']},   # lmms-eval >= 0.7 finds --model pal here
)
