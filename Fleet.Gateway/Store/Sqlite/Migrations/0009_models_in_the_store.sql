-- Every node of a gateway cluster serves every model: the artifact lives in models.artifact (0003) and the golden set a
-- bare ONNX file was validated with lives here, no longer in files under one node's data directory
-- (artifact_path/golden_set_ref stay for registrations made before; the gateway imports those files at start).
ALTER TABLE models ADD COLUMN golden_set TEXT;
