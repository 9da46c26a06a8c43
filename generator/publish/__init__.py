"""Publishing built documents to where they are read (a CMS such as WordPress).

Publishers read only a built output folder (`DIR/<id>/`): its `manifest.json` says which
files are current, and the files are checked against the manifest's hashes first.
"""
