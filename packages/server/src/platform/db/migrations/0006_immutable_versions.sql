-- Template versions are immutable: enforced by the database, not only by the code.
CREATE FUNCTION flowgate_template_versions_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'template versions are immutable (template %, version %)', OLD.template_id, OLD.version USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER template_versions_immutable BEFORE UPDATE ON template_versions
  FOR EACH ROW EXECUTE FUNCTION flowgate_template_versions_immutable();
