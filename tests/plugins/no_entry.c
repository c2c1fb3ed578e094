/* A shared object that is not a qwen plugin: it has no entry symbol. */
int some_other_function(void) {
  return 42;
}
