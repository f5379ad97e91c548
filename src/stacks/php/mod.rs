//! PHP: PHPUnit configuration, and the Laravel, Lumen and Symfony loaders that
//! decide which dotenv files a PHPUnit run reads.

pub mod codeception;
pub mod database_config;
pub mod destruction;
pub mod doctrine;
pub mod phpunit;
pub mod reads;
pub mod runs;
pub mod test_setup;
