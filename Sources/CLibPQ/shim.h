// libpq's client API (libpq-dev; pkg-config libpq supplies the include path).
#include <libpq-fe.h>
