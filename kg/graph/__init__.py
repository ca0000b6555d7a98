"""The knowledge graph: ontology namespace, mapping to RDF, the store, named queries,
SHACL validation, the SPARQL endpoint and push, and the ontology documentation."""
